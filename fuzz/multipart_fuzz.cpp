// The multipart/form-data parser and the upload form behind it: boundaries,
// part headers, filenames, truncation, and bodies fed in pieces of any size.
// The first line of the input is the Content-Type; the first byte after it
// chooses the piece size.
#include <cstring>
#include <string>

#include "api/upload_form.h"
#include "multipart/multipart.h"

namespace {

using namespace focusd;

// Blobs kept in memory: the fuzzer is after the parsing, not the disk.
class MemoryStaging final : public blob::Staging {
 public:
  Status write(std::string_view bytes) override {
    data_.append(bytes);
    return Ok{};
  }
  Result<blob::BlobInfo> finish() override { return blob::BlobInfo{std::string(64, '0'), data_.size()}; }
  std::string_view head() const override { return std::string_view(data_).substr(0, 4096); }
  Status flush() override { return Ok{}; }
  Result<bool> publish() override { return true; }

 private:
  std::string data_;
};

class MemoryBlobStore final : public blob::BlobStore {
 public:
  Status prepare() override { return Ok{}; }
  bool shared() const override { return false; }
  Status ping() override { return Ok{}; }
  Result<std::unique_ptr<blob::Staging>> stage() override {
    return std::unique_ptr<blob::Staging>(std::make_unique<MemoryStaging>());
  }
  Result<ByteSource> open(std::string_view, blob::ReadRange) override {
    return make_error(ErrorCode::NotFound, "none");
  }
  Status remove(std::string_view) override { return Ok{}; }
  Result<std::vector<std::string>> list() override { return std::vector<std::string>{}; }
  Result<std::vector<std::string>> recent() override { return std::vector<std::string>{}; }
  Result<std::size_t> sweep_temps() override { return std::size_t{0}; }
  Result<std::size_t> count_temps() override { return std::size_t{0}; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto eol = input.find('\n');
  if (eol == std::string_view::npos || eol + 1 >= input.size()) return 0;
  auto boundary = multipart::boundary_of(input.substr(0, eol));
  if (!boundary) return 0;
  const std::size_t piece = 1 + static_cast<unsigned char>(input[eol + 1]) % 64;
  const std::string_view body = input.substr(eol + 2);

  MemoryBlobStore blobs;
  const bool bulk = piece % 2 == 0;
  api::UploadForm form(
      blobs, bulk ? "files" : "file",
      bulk ? std::vector<std::string>{"names", "display_orders"} : std::vector<std::string>{"name", "display_order"},
      api::UploadLimits{bulk ? 10u : 1u, 4096});
  multipart::Parser parser(*boundary, multipart::Limits{1024, 38}, form);
  for (std::size_t at = 0; at < body.size(); at += piece) {
    if (!parser.feed(body.substr(at, piece))) return 0;
  }
  if (!parser.finish()) return 0;
  for (auto& file : form.files()) {
    if (file) (void)api::attachment_name_from_filename(file->filename);
  }
  return 0;
}
