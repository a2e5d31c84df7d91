// The least work of an S3 upload by focusd's own blob store, for bench/run
// --blobs: no HTTP, no multipart form, no thread hand-offs, no database. It
// reads each file from the page cache in 256 KiB pieces (as the transport
// hands an upload's pieces over) into a staging of the S3 blob store
// (blob/s3_blob_store.h), promised the file's size as an upload of known
// length is (SHA-256, one part streamed as it is written, then complete; no
// copy), and prints
// the seconds each file took, one line each. What focusd's upload does beyond
// this is the cost of serving it over HTTP.
//
//   s3-stage ENDPOINT BUCKET PART_SIZE PARTS_IN_FLIGHT FILE...
//       credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "blob/s3_blob_store.h"

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: s3-stage ENDPOINT BUCKET PART_SIZE PARTS_IN_FLIGHT FILE...\n");
    return 2;
  }
  focusd::blob::S3BlobSettings settings;
  settings.s3.endpoint = argv[1];
  settings.s3.bucket = argv[2];
  settings.s3.path_style = true;
  const char* access_key = std::getenv("AWS_ACCESS_KEY_ID");      // NOLINT(concurrency-mt-unsafe): one thread yet
  const char* secret_key = std::getenv("AWS_SECRET_ACCESS_KEY");  // NOLINT(concurrency-mt-unsafe)
  settings.s3.access_key = access_key ? access_key : "";
  settings.s3.secret_key = secret_key ? secret_key : "";
  settings.part_size = std::stoull(argv[3]);
  settings.parts_in_flight = std::stoul(argv[4]);
  auto store = focusd::blob::make_s3_blob_store(settings);
  if (auto prepared = store->prepare(); !prepared) {
    std::fprintf(stderr, "s3-stage: %s\n", prepared.error().detail.c_str());
    return 1;
  }
  std::vector<char> piece(std::size_t{256} << 10);
  for (int i = 5; i < argc; ++i) {
    std::ifstream file(argv[i], std::ios::binary);
    const auto start = std::chrono::steady_clock::now();
    auto staged = store->stage();
    if (!staged) return 1;
    focusd::blob::Staging& staging = **staged;
    staging.expect_at_least(std::filesystem::file_size(argv[i]));  // as a form of known length promises
    while (file.read(piece.data(), static_cast<std::streamsize>(piece.size())) || file.gcount() > 0) {
      if (!staging.write(std::string_view(piece.data(), static_cast<std::size_t>(file.gcount())))) return 1;
    }
    if (!staging.finish()) return 1;
    if (auto published = staging.publish(); !published) {
      std::fprintf(stderr, "s3-stage: %s\n", published.error().detail.c_str());
      return 1;
    }
    std::printf("%.6f\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    std::fflush(stdout);
  }
  return 0;
}
