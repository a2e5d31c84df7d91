#include "blob/make_blob_store.h"

#include <cstdlib>

#include "blob/faulty_blob_store.h"
#include "blob/measured_blob_store.h"
#include "blob/s3_blob_store.h"
#include "common/logging.h"

namespace focusd::blob {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start, before any thread
  return value ? value : "";
}

Result<std::unique_ptr<BlobStore>> make_s3(const Config& config) {
  auto location = parse_s3_url(config.blobs);
  if (!location) return location.error();
  S3BlobSettings settings;
  settings.s3.endpoint = config.s3_endpoint;
  while (settings.s3.endpoint.ends_with('/')) settings.s3.endpoint.pop_back();
  settings.s3.region = config.s3_region;
  settings.s3.bucket = location->bucket;
  settings.s3.path_style =
      config.s3_path_style == "on" || (config.s3_path_style == "auto" && !config.s3_endpoint.empty());
  settings.s3.access_key = env("AWS_ACCESS_KEY_ID");
  settings.s3.secret_key = env("AWS_SECRET_ACCESS_KEY");
  settings.s3.session_token = env("AWS_SESSION_TOKEN");
  if (settings.s3.access_key.empty() || settings.s3.secret_key.empty()) {
    return invalid("--blobs", "S3 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
  }
  settings.s3.connect_timeout = config.s3_connect_timeout;
  settings.s3.request_timeout = config.s3_request_timeout;
  settings.s3.stall_timeout = config.s3_stall_timeout;
  settings.s3.attempts = config.s3_attempts;
  settings.prefix = location->prefix;
  settings.part_size = config.s3_part_size;
  settings.parts_in_flight = config.s3_parts_in_flight;
  settings.orphan_grace = config.blob_orphan_grace;
  return make_s3_blob_store(settings);
}

}  // namespace

Result<std::unique_ptr<BlobStore>> make_blob_store(const Config& config, const DiskSpace* space) {
  std::unique_ptr<BlobStore> blobs;
  if (config.uses_s3()) {
    auto made = make_s3(config);
    if (!made) return made.error();
    blobs = std::move(*made);
  } else {
    blobs = make_disk_blob_store(config.data_dir, space);
  }
  if (!config.fault_file.empty()) {
    logging::event(spdlog::level::warn, "injecting storage faults named by a file", {{"file", config.fault_file}});
    blobs = make_faulty_blob_store(std::move(blobs), config.fault_file);
  }
  return make_measured_blob_store(std::move(blobs));
}

}  // namespace focusd::blob
