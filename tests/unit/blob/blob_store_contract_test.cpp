// The BlobStore contract: what blob_store.h promises, run against every
// BlobStore. A new backend is one more row in kBackends; each test gets a fresh,
// empty store. The tests go through the interface only (temp files are counted
// with count_temps, bytes read back through open()), so they hold for a store
// that keeps no files at all.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <span>
#include <thread>

#include "auth/crypto.h"
#include "blob/blob_store.h"
#include "blob/faulty_blob_store.h"
#include "blob/s3_blob_store.h"
#include "test_store.h"

namespace focusd::blob {
namespace {

namespace fs = std::filesystem;

// Makes a fresh, empty BlobStore whose files go under `scratch`, which the
// suite removes afterwards.
struct Backend {
  std::string name;
  std::function<std::unique_ptr<BlobStore>(const fs::path& scratch)> make;
  // Small stagings are held in memory until flushed, so an open one is no
  // temp anywhere (the S3 store, up to a part's worth).
  bool stages_in_memory = false;
  bool needs_s3 = false;  // skips unless FOCUSD_TEST_S3=1
};

void PrintTo(const Backend& backend, std::ostream* os) {
  *os << backend.name;
}

std::unique_ptr<BlobStore> make_disk(const fs::path& scratch) {
  return make_disk_blob_store((scratch / "root").string());
}

// The faulty store with nothing to inject must behave as the store it wraps.
std::unique_ptr<BlobStore> make_faulty(const fs::path& scratch) {
  const fs::path faults = scratch / "faults";
  std::ofstream(faults).close();  // empty: no fault
  return make_faulty_blob_store(make_disk(scratch), faults.string());
}

// The faulty store handing out every blob as a stream, as a store without
// local files does: open()'s promises hold for streams too.
std::unique_ptr<BlobStore> make_streaming(const fs::path& scratch) {
  const fs::path faults = scratch / "faults";
  std::ofstream(faults) << "streams\n";
  return make_faulty_blob_store(make_disk(scratch), faults.string());
}

// A store in the test gateway's bucket, under a prefix of the scratch
// directory's name (the same again on reopen()), its grace period zero.
std::unique_ptr<BlobStore> make_s3(const fs::path& scratch, std::uint64_t part_size) {
  auto env = s3test::gateway_env();
  S3BlobSettings settings;
  settings.s3.endpoint = env["AWS_ENDPOINT_URL"];
  settings.s3.bucket = "focusd-unit";
  settings.s3.path_style = true;
  settings.s3.access_key = env["AWS_ACCESS_KEY_ID"];
  settings.s3.secret_key = env["AWS_SECRET_ACCESS_KEY"];
  settings.prefix = scratch.filename().string() + "/";
  settings.part_size = part_size;
  settings.orphan_grace = std::chrono::seconds(0);
  auto store = make_s3_blob_store(std::move(settings));
  EXPECT_TRUE(store->prepare());
  return store;
}

const Backend kBackends[] = {
    {"disk", make_disk},
    {"faulty", make_faulty},
    {"streams", make_streaming},
    {"s3", [](const fs::path& scratch) { return make_s3(scratch, std::uint64_t{8} << 20); }, true, true},
    // 64 KiB parts (tests/s3/ceph lowers RGW's minimum part size): every
    // upload past 64 KiB here is a multipart upload, completed and copied.
    {"s3_parts", [](const fs::path& scratch) { return make_s3(scratch, std::uint64_t{64} << 10); }, true, true},
};

constexpr const char* kEmptyDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbcDigest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

// All the bytes of `source`, read as the transport would: a file range with
// pread(2), a stream in pieces of `piece` bytes (failing the test if it gives
// more than asked, ends early, or goes on past `length`).
std::string read_all(ByteSource& source, std::size_t piece = 1000) {
  EXPECT_TRUE(source.length) << "a blob's source has its length";
  std::string bytes(source.length.value_or(0), '\0');
  if (auto* file = std::get_if<FileRange>(&source.bytes)) {
    for (std::size_t at = 0; at < bytes.size();) {
      const ssize_t n =
          ::pread(file->fd.get(), bytes.data() + at, bytes.size() - at, static_cast<off_t>(file->offset + at));
      EXPECT_GT(n, 0) << "the file ends before the source's length";
      if (n <= 0) return {};
      at += static_cast<std::size_t>(n);
    }
    return bytes;
  }
  ByteStream& stream = *std::get<std::unique_ptr<ByteStream>>(source.bytes);
  std::vector<char> buffer(piece + 1);
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t want = std::min(piece, bytes.size() - at);
    auto n = stream.read(std::span<char>(buffer.data(), want));
    EXPECT_TRUE(n) << n.error().description;
    EXPECT_TRUE(n && *n > 0 && *n <= want) << "a read returns 1.." << want << " bytes before the end";
    if (!n || *n == 0 || *n > want) return {};
    std::copy_n(buffer.data(), *n, bytes.data() + at);
    at += *n;
  }
  auto end = stream.read(std::span<char>(buffer));
  EXPECT_TRUE(end && *end == 0) << "the stream ends after its length";
  return bytes;
}

// Bytes that are not all alike, so that a misplaced piece changes them.
std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return bytes;
}

class BlobStoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(auth::init_crypto());
    if (GetParam().needs_s3 && !s3test::s3_wanted()) GTEST_SKIP() << "FOCUSD_TEST_S3 is not 1";
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '-');
    scratch_ = fs::temp_directory_path() / ("focusd-blob-contract-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(scratch_);
    fs::create_directories(scratch_);
    reopen();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(scratch_);
  }

  // A staging holding `bytes`, written in pieces of `piece`, not yet finished.
  std::unique_ptr<Staging> staged(std::string_view bytes, std::size_t piece = 1000) {
    auto staging = store_->stage();
    EXPECT_TRUE(staging) << staging.error().description;
    if (!staging) return nullptr;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      const auto written = (*staging)->write(bytes.substr(at, piece));
      EXPECT_TRUE(written) << written.error().description;
    }
    return std::move(*staging);
  }

  struct Put {
    BlobInfo info;
    bool stored_new = false;
  };
  // Stages, finishes and publishes `bytes`.
  Put put(std::string_view bytes, std::size_t piece = 1000) {
    auto staging = staged(bytes, piece);
    if (!staging) return {};
    auto info = staging->finish();
    EXPECT_TRUE(info) << info.error().description;
    auto published = staging->publish();
    EXPECT_TRUE(published) << published.error().description;
    if (!info || !published) return {};
    return {*info, *published};
  }

  std::vector<std::string> listed() {
    auto digests = store_->list();
    EXPECT_TRUE(digests) << digests.error().description;
    if (!digests) return {};
    std::sort(digests->begin(), digests->end());  // blob_store.h states no order
    return *digests;
  }
  // Whether publish() says true for content it stored new: a shared store
  // never claims content (blob_store.h).
  bool claims_new() const { return !store_->shared(); }
  // How many temps `open` small stagings still being written make.
  std::size_t open_temps(std::size_t open) const { return GetParam().stages_in_memory ? 0 : open; }

  std::size_t temps() {
    auto count = store_->count_temps();
    EXPECT_TRUE(count) << count.error().description;
    return count ? *count : 0;
  }
  // The whole of a blob, through open().
  std::string content_of(const std::string& sha256) {
    auto source = store_->open(sha256, {});
    EXPECT_TRUE(source) << source.error().description;
    return source ? read_all(*source) : std::string();
  }

  // A new store over the same scratch directory (what the last one stored is there).
  void reopen() {
    store_ = GetParam().make(scratch_);
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<BlobStore> store_;

 private:
  fs::path scratch_;
};

TEST_P(BlobStoreContract, FinishReturnsTheDigestAndSizeOfWhatWasWritten) {
  auto staging = staged("abc", 1);
  ASSERT_NE(staging, nullptr);
  auto info = staging->finish();
  ASSERT_TRUE(info) << info.error().description;
  EXPECT_EQ(info->sha256, kAbcDigest);
  EXPECT_EQ(info->size, 3u);
}

TEST_P(BlobStoreContract, TheDigestDoesNotDependOnHowTheBytesArriveInPieces) {
  const std::string bytes = pattern(3 * 1024 * 1024 + 17);  // past several MiB windows
  const Put whole = put(bytes, bytes.size());
  const Put pieces = put(bytes, 4093);
  EXPECT_EQ(whole.info.size, bytes.size());
  EXPECT_EQ(whole.info.sha256, pieces.info.sha256);
  EXPECT_EQ(whole.info.sha256.size(), 64u);
  EXPECT_EQ(whole.info.sha256.find_first_not_of("0123456789abcdef"), std::string::npos);  // lower-case hex
  EXPECT_EQ(content_of(whole.info.sha256), bytes);
}

TEST_P(BlobStoreContract, AnEmptyBlobIsStoredLikeAnyOther) {
  const Put empty = put("");
  EXPECT_EQ(empty.info.sha256, kEmptyDigest);
  EXPECT_EQ(empty.info.size, 0u);
  EXPECT_EQ(empty.stored_new, claims_new());
  EXPECT_EQ(content_of(kEmptyDigest), "");
  EXPECT_EQ(listed(), std::vector<std::string>{kEmptyDigest});
}

TEST_P(BlobStoreContract, TheHeadIsTheFirstFourKibibytesWritten) {
  struct Case {
    const char* reason;
    std::vector<std::string> pieces;
    std::string head;
  } const cases[] = {
      {"nothing written", {}, ""},
      {"less than 4 KiB", {"%PDF-1.7", " rest"}, "%PDF-1.7 rest"},
      {"more than 4 KiB, across pieces",
       {std::string(3000, 'a'), std::string(3000, 'b')},
       std::string(3000, 'a') + std::string(1096, 'b')},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    auto staging = store_->stage();
    ASSERT_TRUE(staging) << staging.error().description;
    for (const auto& piece : c.pieces) ASSERT_TRUE((*staging)->write(piece));
    EXPECT_EQ((*staging)->head(), c.head);
    ASSERT_TRUE((*staging)->finish());
    EXPECT_EQ((*staging)->head(), c.head);  // still there after finish
  }
}

TEST_P(BlobStoreContract, APublishedBlobReadsBackExactlyUnderItsDigest) {
  const std::string bytes = pattern(100000);
  const Put stored = put(bytes, 4093);
  EXPECT_EQ(stored.stored_new, claims_new());
  EXPECT_EQ(content_of(stored.info.sha256), bytes);
  EXPECT_EQ(listed(), std::vector<std::string>{stored.info.sha256});
  EXPECT_EQ(temps(), 0u);  // the temp file became the blob
}

TEST_P(BlobStoreContract, PublishIsTrueForNewContentAndFalseForContentAlreadyStored) {
  const Put first = put("same bytes");
  const Put second = put("same bytes");
  EXPECT_EQ(first.stored_new, claims_new());
  EXPECT_FALSE(second.stored_new);  // a failed upload must not remove what it did not store
  EXPECT_EQ(first.info.sha256, second.info.sha256);
  EXPECT_EQ(listed(), std::vector<std::string>{first.info.sha256});
  EXPECT_EQ(content_of(first.info.sha256), "same bytes");  // the dropped duplicate took nothing with it
  EXPECT_EQ(temps(), 0u);
  EXPECT_EQ(put("other bytes").stored_new, claims_new());
}

TEST_P(BlobStoreContract, OpenIsNotFoundForAnythingNotStored) {
  put("abc");
  struct Case {
    const char* reason;
    std::string digest;
  } const cases[] = {
      {"a digest never stored", kEmptyDigest},
      {"the empty string", ""},
      {"too short", "abc"},
      {"not hex", std::string(64, 'g')},
      // blob_store.h: digests are "lower-case hex"; the disk store knows no other spelling.
      {"upper-case hex", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"},
      {"a path out of the store", "../../../../etc/passwd"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    for (const ReadRange range : {ReadRange{}, ReadRange{0, 0}, ReadRange{1, 1}}) {
      auto source = store_->open(c.digest, range);
      ASSERT_FALSE(source);
      EXPECT_EQ(source.error().code, ErrorCode::NotFound);
    }
  }
  EXPECT_TRUE(store_->open(kAbcDigest, {}));
}

TEST_P(BlobStoreContract, OpenReadsTheRangeItIsAskedFor) {
  const std::string bytes = pattern(300000);
  const Put stored = put(bytes, 65536);
  const std::uint64_t size = bytes.size();
  struct Case {
    const char* reason;
    ReadRange range;
    std::uint64_t offset;
    std::uint64_t length;
  } const cases[] = {
      {"the whole (the default)", {}, 0, size},
      {"the whole, its length given", {0, size}, 0, size},
      {"from an offset to the end", {1000, std::nullopt}, 1000, size - 1000},
      {"a middle part", {70000, 100001}, 70000, 100001},
      {"the first byte", {0, 1}, 0, 1},
      {"the last byte", {size - 1, 1}, size - 1, 1},
      {"nothing, at the start", {0, 0}, 0, 0},
      {"nothing, at the very end", {size, std::nullopt}, size, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    auto source = store_->open(stored.info.sha256, c.range);
    ASSERT_TRUE(source) << source.error().description;
    EXPECT_EQ(source->length, c.length);
    EXPECT_EQ(read_all(*source, 4093), bytes.substr(c.offset, c.length));
  }
}

TEST_P(BlobStoreContract, ARangePastTheEndIsNotSatisfiable) {
  const Put stored = put("0123456789");
  struct Case {
    const char* reason;
    ReadRange range;
  } const cases[] = {
      {"one byte too long", {0, 11}},
      {"a byte past the end", {10, 1}},
      {"an offset past the end", {11, std::nullopt}},
      {"a length that overflows the offset", {5, std::numeric_limits<std::uint64_t>::max()}},
      {"an offset far out", {std::numeric_limits<std::uint64_t>::max(), 1}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    auto source = store_->open(stored.info.sha256, c.range);
    ASSERT_FALSE(source);
    EXPECT_EQ(source.error().code, ErrorCode::RangeNotSatisfiable);
  }
}

TEST_P(BlobStoreContract, ASourceOpenedBeforeARemoveReadsToTheEnd) {
  const std::string bytes = pattern(200000);
  const Put stored = put(bytes);
  auto whole = store_->open(stored.info.sha256, {});
  auto part = store_->open(stored.info.sha256, ReadRange{5, 100});
  ASSERT_TRUE(whole);
  ASSERT_TRUE(part);
  ASSERT_TRUE(store_->remove(stored.info.sha256));
  EXPECT_EQ(store_->open(stored.info.sha256, {}).error().code, ErrorCode::NotFound);
  EXPECT_EQ(read_all(*whole), bytes);
  EXPECT_EQ(read_all(*part), bytes.substr(5, 100));
}

// What the transport does with a source it must copy: read it as a stream, in
// pieces of any size, to the end.
TEST_P(BlobStoreContract, ASourceReadAsAStreamGivesEveryByteOnce) {
  const std::string bytes = pattern(1 << 20);
  const Put stored = put(bytes, 65536);
  for (const std::size_t piece : {std::size_t{1}, std::size_t{4093}, std::size_t{256 * 1024}, bytes.size() + 1}) {
    SCOPED_TRACE("pieces of " + std::to_string(piece));
    const ReadRange range = piece == 1 ? ReadRange{1000, 5000} : ReadRange{};
    auto source = store_->open(stored.info.sha256, range);
    ASSERT_TRUE(source) << source.error().description;
    ByteSource stream = as_stream(std::move(*source));
    ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ByteStream>>(stream.bytes));
    EXPECT_EQ(read_all(stream, piece), piece == 1 ? bytes.substr(1000, 5000) : bytes);
  }
}

TEST_P(BlobStoreContract, RemoveTakesTheBlobAwayAndLeavesTheOthers) {
  const Put a = put("a");
  const Put b = put("b");
  ASSERT_TRUE(store_->remove(a.info.sha256));
  auto gone = store_->open(a.info.sha256, {});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::NotFound);
  EXPECT_EQ(listed(), std::vector<std::string>{b.info.sha256});
  EXPECT_EQ(content_of(b.info.sha256), "b");
  // blob_store.h names no error for remove; the disk store says NotFound for what it does not hold.
  for (const std::string& digest : {a.info.sha256, std::string("../b")}) {
    auto again = store_->remove(digest);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::NotFound);
  }
  EXPECT_EQ(put("a").stored_new, claims_new());  // removed content is new content again
}

TEST_P(BlobStoreContract, ListNamesEveryStoredBlobOnce) {
  EXPECT_TRUE(listed().empty());
  std::vector<std::string> expected;
  for (const char* bytes : {"one", "two", "three", "two"}) {
    const Put stored = put(bytes);
    EXPECT_EQ(stored.stored_new,
              claims_new() && std::find(expected.begin(), expected.end(), stored.info.sha256) == expected.end());
    if (std::find(expected.begin(), expected.end(), stored.info.sha256) == expected.end()) {
      expected.push_back(stored.info.sha256);
    }
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(expected.size(), 3u);
  EXPECT_EQ(listed(), expected);
}

TEST_P(BlobStoreContract, AStagingDroppedWithoutPublishLeavesNothing) {
  {
    auto open = staged("half an upload");
    ASSERT_NE(open, nullptr);
    EXPECT_EQ(temps(), open_temps(1));
  }
  {
    auto finished = staged("a whole upload, never published");
    ASSERT_NE(finished, nullptr);
    ASSERT_TRUE(finished->finish());
  }
  {
    auto late = store_->stage();  // a bulk's file that S3 sends on at finish()
    ASSERT_TRUE(late);
    (*late)->expect_late_flush();
    ASSERT_TRUE((*late)->write(std::string(std::size_t{300} << 10, 'x')));
    ASSERT_TRUE((*late)->finish());
  }
  // S3 aborts a dropped upload on a thread of its own: a while at most.
  for (int i = 0; i < 500 && temps() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(temps(), 0u);
  EXPECT_TRUE(listed().empty());
  EXPECT_FALSE(store_->open(kAbcDigest, {}));
}

TEST_P(BlobStoreContract, SweepRemovesTempFilesAndCountsThem) {
  EXPECT_EQ(temps(), 0u);
  auto swept = store_->sweep_temps();
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 0u);
  const Put kept = put("kept");
  {
    // Stagings still open at a sweep stand for those a crash left behind.
    auto left_1 = staged("left by a crash");
    auto left_2 = staged("left by another");
    EXPECT_EQ(temps(), open_temps(2));
    swept = store_->sweep_temps();
    ASSERT_TRUE(swept);
    EXPECT_EQ(*swept, open_temps(2));
    EXPECT_EQ(temps(), 0u);
  }
  EXPECT_EQ(listed(), std::vector<std::string>{kept.info.sha256});  // published blobs are not temps
  EXPECT_EQ(content_of(kept.info.sha256), "kept");
  EXPECT_EQ(put("after the sweep").stored_new, claims_new());
  EXPECT_EQ(temps(), 0u);
}

TEST_P(BlobStoreContract, NothingIsWrittenAfterFinish) {
  auto staging = staged("abc");
  ASSERT_NE(staging, nullptr);
  auto info = staging->finish();
  ASSERT_TRUE(info);
  EXPECT_FALSE(staging->write("more"));
  // blob_store.h does not say; both stores answer a second finish with the same digest.
  auto again = staging->finish();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sha256, kAbcDigest);
  EXPECT_EQ(again->size, 3u);
  ASSERT_TRUE(staging->publish());
  EXPECT_EQ(content_of(kAbcDigest), "abc");
}

TEST_P(BlobStoreContract, AnUnfinishedStagingIsNotPublished) {
  auto staging = staged("abc");
  ASSERT_NE(staging, nullptr);
  // blob_store.h: publish is Internal before finish().
  auto early = staging->publish();
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::Internal);
  EXPECT_TRUE(listed().empty());
  ASSERT_TRUE(staging->finish());
  auto published = staging->publish();
  ASSERT_TRUE(published);
  EXPECT_EQ(*published, claims_new());
  EXPECT_EQ(listed(), std::vector<std::string>{kAbcDigest});
}

TEST_P(BlobStoreContract, StagingsAreIndependentOfEachOther) {
  auto first = store_->stage();
  auto second = store_->stage();
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  for (char c : std::string("abc")) {
    ASSERT_TRUE((*first)->write(std::string(1, c)));
    ASSERT_TRUE((*second)->write(std::string(2, c)));
  }
  EXPECT_EQ(temps(), open_temps(2));
  ASSERT_TRUE((*second)->finish());
  ASSERT_TRUE((*second)->publish());
  auto info = (*first)->finish();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->sha256, kAbcDigest);
  ASSERT_TRUE((*first)->publish());
  EXPECT_EQ(content_of(kAbcDigest), "abc");
  EXPECT_EQ(listed().size(), 2u);
}

TEST_P(BlobStoreContract, AStagingMayOutliveTheStoreThatMadeIt) {
  auto staging = staged("abc");
  ASSERT_NE(staging, nullptr);
  ASSERT_TRUE(staging->finish());
  const bool claims = claims_new();
  store_.reset();  // blob_store.h: a staging keeps no reference into its store
  auto published = staging->publish();
  ASSERT_TRUE(published) << published.error().description;
  EXPECT_EQ(*published, claims);
  staging.reset();
  reopen();
  EXPECT_EQ(listed(), std::vector<std::string>{kAbcDigest});
  EXPECT_EQ(content_of(kAbcDigest), "abc");
}

INSTANTIATE_TEST_SUITE_P(, BlobStoreContract, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace focusd::blob
