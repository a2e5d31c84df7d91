#include "blob/make_blob_store.h"

#include "blob/faulty_blob_store.h"
#include "common/logging.h"

namespace focusd::blob {

std::unique_ptr<BlobStore> make_blob_store(const Config& config, const DiskSpace* space) {
  auto blobs = make_disk_blob_store(config.data_dir, space);
  if (config.fault_file.empty()) return blobs;
  logging::event(spdlog::level::warn, "injecting storage faults named by a file", {{"file", config.fault_file}});
  return make_faulty_blob_store(std::move(blobs), config.fault_file);
}

}  // namespace focusd::blob
