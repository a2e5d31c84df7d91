#include "blob/measured_blob_store.h"

#include <utility>

#include "common/metrics.h"

namespace focusd::blob {
namespace {

using metrics::BlobCall;

// Runs `fn`, records its time and whether it failed, and returns its answer.
template <class F>
auto measured(BlobCall call, F&& fn) {
  const auto start = metrics::Clock::now();
  auto answer = fn();
  metrics::blob_call(call, metrics::seconds_since(start), !answer);
  return answer;
}

class MeasuredStaging final : public Staging {
 public:
  explicit MeasuredStaging(std::unique_ptr<Staging> inner) : inner_(std::move(inner)) {}
  Status write(std::string_view bytes) override {
    return measured(BlobCall::Write, [&] { return inner_->write(bytes); });
  }
  void expect_at_least(std::uint64_t bytes) override { inner_->expect_at_least(bytes); }
  void expect_late_flush() override { inner_->expect_late_flush(); }
  Result<BlobInfo> finish() override {
    return measured(BlobCall::Finish, [&] { return inner_->finish(); });
  }
  std::string_view head() const override { return inner_->head(); }
  Status flush() override { return inner_->flush(); }
  Result<bool> publish() override {
    return measured(BlobCall::Publish, [&] { return inner_->publish(); });
  }

 private:
  std::unique_ptr<Staging> inner_;
};

class MeasuredBlobStore final : public BlobStore {
 public:
  explicit MeasuredBlobStore(std::unique_ptr<BlobStore> inner) : inner_(std::move(inner)) {}
  Status prepare() override { return inner_->prepare(); }
  bool shared() const override { return inner_->shared(); }
  Status ping() override { return inner_->ping(); }
  Result<std::unique_ptr<Staging>> stage() override {
    auto staged = measured(BlobCall::Stage, [&] { return inner_->stage(); });
    if (!staged) return staged.error();
    return std::unique_ptr<Staging>(std::make_unique<MeasuredStaging>(std::move(*staged)));
  }
  Result<ByteSource> open(std::string_view name, ReadRange range) override {
    return measured(BlobCall::Open, [&] { return inner_->open(name, range); });
  }
  Status remove(std::string_view name) override {
    return measured(BlobCall::Remove, [&] { return inner_->remove(name); });
  }
  Result<std::vector<std::string>> list() override { return inner_->list(); }
  Result<std::vector<std::string>> recent() override { return inner_->recent(); }
  Result<std::size_t> sweep_temps() override { return inner_->sweep_temps(); }
  Result<std::size_t> count_temps() override { return inner_->count_temps(); }

 private:
  std::unique_ptr<BlobStore> inner_;
};

}  // namespace

std::unique_ptr<BlobStore> make_measured_blob_store(std::unique_ptr<BlobStore> inner) {
  return std::make_unique<MeasuredBlobStore>(std::move(inner));
}

}  // namespace focusd::blob
