#include "blob/faulty_blob_store.h"

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

namespace focusd::blob {

namespace {

// The lines of the control file, each as its first two words.
std::vector<std::pair<std::string, std::string>> control_lines(const std::string& control_file) {
  std::vector<std::pair<std::string, std::string>> lines;
  std::ifstream in(control_file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name, err;
    words >> name >> err;
    lines.emplace_back(std::move(name), std::move(err));
  }
  return lines;
}

// True when the control file has the line `step word`.
bool has_line(const std::string& control_file, std::string_view step, std::string_view word) {
  for (const auto& [name, second] : control_lines(control_file)) {
    if (name == step && second == word) return true;
  }
  return false;
}

// The fault the control file names for `step` ("write", "fsync", "rename", "read").
std::optional<Error> fault_for(const std::string& control_file, std::string_view step) {
  for (const auto& [name, err] : control_lines(control_file)) {
    if (name != step || err == "hang") continue;
    const std::string what = "injected " + err + " on " + std::string(step);
    if (err == "ENOSPC") return Error{ErrorCode::InsufficientStorage, "the server's disk is full", {}, what};
    return internal_error(what);
  }
  return std::nullopt;
}

// Waits while the control file has the line `step hang`, having first added
// a line `step` to `<control_file>.hung` (a test waits for it there).
void hold_while_hung(const std::string& control_file, std::string_view step) {
  if (!has_line(control_file, step, "hang")) return;
  std::ofstream(control_file + ".hung", std::ios::app) << step << "\n";
  while (has_line(control_file, step, "hang")) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

// A blob's bytes as a stream whose reads fail while the control file says so.
class FaultyStream final : public ByteStream {
 public:
  FaultyStream(std::unique_ptr<ByteStream> inner, std::string control_file)
      : inner_(std::move(inner)), control_file_(std::move(control_file)) {}

  Result<std::size_t> read(std::span<char> buffer) override {
    hold_while_hung(control_file_, "read");
    if (auto fault = fault_for(control_file_, "read")) return *fault;
    return inner_->read(buffer);
  }

 private:
  std::unique_ptr<ByteStream> inner_;
  std::string control_file_;
};

class FaultyStaging final : public Staging {
 public:
  FaultyStaging(std::unique_ptr<Staging> inner, std::string control_file)
      : inner_(std::move(inner)), control_file_(std::move(control_file)) {}

  Status write(std::string_view bytes) override {
    hold_while_hung(control_file_, "write");
    if (auto fault = fault_for(control_file_, "write")) return *fault;
    return inner_->write(bytes);
  }
  void expect_at_least(std::uint64_t bytes) override { inner_->expect_at_least(bytes); }
  void expect_late_flush() override { inner_->expect_late_flush(); }
  Result<BlobInfo> finish() override { return inner_->finish(); }
  std::string_view head() const override { return inner_->head(); }
  Status flush() override {
    if (auto fault = fault_for(control_file_, "fsync")) return *fault;
    return inner_->flush();
  }
  Result<bool> publish() override {  // which flushes, then renames
    if (auto fault = fault_for(control_file_, "fsync")) return *fault;
    if (auto fault = fault_for(control_file_, "rename")) return *fault;
    return inner_->publish();
  }

 private:
  std::unique_ptr<Staging> inner_;
  std::string control_file_;  // a copy: the staging may outlive the store
};

class FaultyBlobStore final : public BlobStore {
 public:
  FaultyBlobStore(std::unique_ptr<BlobStore> inner, std::string control_file)
      : inner_(std::move(inner)), control_file_(std::move(control_file)) {}

  Result<std::unique_ptr<Staging>> stage() override {
    auto staging = inner_->stage();
    if (!staging) return staging.error();
    return std::unique_ptr<Staging>(std::make_unique<FaultyStaging>(std::move(*staging), control_file_));
  }
  Result<ByteSource> open(std::string_view name, ReadRange range) override {
    auto source = inner_->open(name, range);
    if (!source) return source;
    const bool streams = has_line(control_file_, "streams", "");
    if (!streams && !fault_for(control_file_, "read") && !has_line(control_file_, "read", "hang")) return source;
    ByteSource stream = as_stream(std::move(source.value()));
    auto& bytes = std::get<std::unique_ptr<ByteStream>>(stream.bytes);
    bytes = std::make_unique<FaultyStream>(std::move(bytes), control_file_);
    return stream;
  }
  Status remove(std::string_view name) override { return inner_->remove(name); }
  Result<std::vector<std::string>> list() override { return inner_->list(); }
  Result<std::vector<std::string>> recent() override { return inner_->recent(); }
  Status prepare() override { return inner_->prepare(); }
  bool shared() const override { return inner_->shared(); }
  Status ping() override { return inner_->ping(); }
  Result<std::size_t> sweep_temps() override { return inner_->sweep_temps(); }
  Result<std::size_t> count_temps() override { return inner_->count_temps(); }

 private:
  std::unique_ptr<BlobStore> inner_;
  std::string control_file_;
};

}  // namespace

std::unique_ptr<BlobStore> make_faulty_blob_store(std::unique_ptr<BlobStore> inner, std::string control_file) {
  return std::make_unique<FaultyBlobStore>(std::move(inner), std::move(control_file));
}

}  // namespace focusd::blob
