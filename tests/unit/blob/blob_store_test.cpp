// The disk blob store, on real files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "auth/crypto.h"
#include "blob/blob_store.h"

namespace focusd::blob {
namespace {

namespace fs = std::filesystem;

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(auth::init_crypto());
    root_ = fs::temp_directory_path() / ("focusd-blob-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    store_ = make_disk_blob_store(root_.string());
  }
  void TearDown() override {
    store_.reset();  // first: its thread may be making a spare temp file
    fs::remove_all(root_);
  }

  // Stages, finishes and publishes `bytes` written in pieces of `piece`.
  BlobInfo put(const std::string& bytes, std::size_t piece = 1000) {
    auto staging = store_->stage();
    EXPECT_TRUE(staging);
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      EXPECT_TRUE((*staging)->write(std::string_view(bytes).substr(at, piece)));
    }
    auto info = (*staging)->finish();
    EXPECT_TRUE(info);
    EXPECT_TRUE((*staging)->publish());
    return *info;
  }
  std::size_t temp_files() const {
    if (!fs::exists(root_ / "tmp")) return 0;
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(root_ / "tmp"), fs::directory_iterator()));
  }
  // Waits (up to 10 s) until the store has made `count` spare temp files.
  bool spares_reach(std::size_t count) const {
    for (int i = 0; i < 1000; ++i) {
      if (temp_files() >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path root_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, StoresExactBytesUnderTheirDigest) {
  std::string bytes;
  for (int i = 0; i < 100000; ++i) bytes += static_cast<char>(i * 7);
  const BlobInfo info = put(bytes, 4093);
  EXPECT_EQ(info.size, bytes.size());
  EXPECT_EQ(info.sha256, auth::sha256_hex(bytes));
  const fs::path path = root_ / "blobs" / info.sha256.substr(0, 2) / info.sha256;
  EXPECT_EQ(read(path.string()), bytes);
  EXPECT_EQ(temp_files(), 0u);
}

// All 256 blob directories are made ahead (by prepare(), or else by the first
// stage()), so that no upload needs to make one.
TEST_F(BlobStoreTest, PrepareMakesEveryBlobDirectory) {
  ASSERT_TRUE(store_->prepare());
  std::size_t directories = 0;
  for (const auto& entry : fs::directory_iterator(root_ / "blobs")) directories += entry.is_directory();
  EXPECT_EQ(directories, 256u);
  EXPECT_TRUE(fs::is_directory(root_ / "blobs" / "00"));
  EXPECT_TRUE(fs::is_directory(root_ / "blobs" / "ff"));
  EXPECT_TRUE(store_->list()->empty());
  EXPECT_TRUE(store_->prepare()) << "again: nothing to do";
}

// The disk store hands out open files, which the transport sends with
// sendfile(2): the range is the descriptor's offset and the source's length.
TEST_F(BlobStoreTest, OpenGivesAFileAndItsRange) {
  const BlobInfo info = put("0123456789");
  auto source = store_->open(info.sha256, ReadRange{3, 4});
  ASSERT_TRUE(source) << source.error().description;
  EXPECT_EQ(source->length, 4u);
  const auto* file = std::get_if<FileRange>(&source->bytes);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->offset, 3u);
  char bytes[4] = {};
  ASSERT_EQ(::pread(file->fd.get(), bytes, 4, static_cast<off_t>(file->offset)), 4);
  EXPECT_EQ(std::string_view(bytes, 4), "3456");
}

TEST_F(BlobStoreTest, EmptyBlobsAndTheHead) {
  const BlobInfo empty = put("");
  EXPECT_EQ(empty.size, 0u);
  EXPECT_EQ(empty.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto staging = store_->stage();
  ASSERT_TRUE(staging);
  ASSERT_TRUE((*staging)->write(std::string(3000, 'a')));
  ASSERT_TRUE((*staging)->write(std::string(3000, 'b')));
  EXPECT_EQ((*staging)->head(), std::string(3000, 'a') + std::string(1096, 'b'));
}

TEST_F(BlobStoreTest, IdenticalContentIsStoredOnce) {
  const BlobInfo a = put("same bytes");
  const BlobInfo b = put("same bytes");
  EXPECT_EQ(a.sha256, b.sha256);
  EXPECT_EQ(store_->list()->size(), 1u);
  EXPECT_EQ(temp_files(), 0u);
}

// A copy of stored content is not flushed at finish(); if the stored blob is
// removed before publish(), publish() stores the copy (flushed then) instead.
TEST_F(BlobStoreTest, ACopyOfContentRemovedBeforeItsPublishIsStored) {
  const BlobInfo first = put("content that goes");
  auto staging = store_->stage();
  ASSERT_TRUE(staging);
  ASSERT_TRUE((*staging)->write("content that goes"));
  auto info = (*staging)->finish();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->sha256, first.sha256);
  ASSERT_TRUE(store_->remove(first.sha256));
  auto published = (*staging)->publish();
  ASSERT_TRUE(published);
  EXPECT_TRUE(*published) << "new content again: stored by this call";
  auto source = store_->open(first.sha256, ReadRange{0, 17});
  ASSERT_TRUE(source) << source.error().description;
  const auto* file = std::get_if<FileRange>(&source->bytes);
  ASSERT_NE(file, nullptr);
  char bytes[17] = {};
  ASSERT_EQ(::pread(file->fd.get(), bytes, 17, 0), 17);
  EXPECT_EQ(std::string_view(bytes, 17), "content that goes");
  EXPECT_EQ(temp_files(), 0u);
}

// Earlier builds put blobs one directory deeper (aa/bb/<sha256>); the store
// reads, lists, finds and removes them there, and stores nothing new there.
TEST_F(BlobStoreTest, BlobsOfTheOlderLayoutAreReadFoundAndRemoved) {
  const std::string bytes = "stored by an earlier build";
  const std::string digest = auth::sha256_hex(bytes);
  const fs::path older = root_ / "blobs" / digest.substr(0, 2) / digest.substr(2, 2) / digest;
  fs::create_directories(older.parent_path());
  std::ofstream(older, std::ios::binary) << bytes;

  auto source = store_->open(digest, ReadRange{7, 2});
  ASSERT_TRUE(source) << source.error().description;
  char two[2] = {};
  ASSERT_EQ(::pread(std::get<FileRange>(source->bytes).fd.get(), two, 2, 7), 2);
  EXPECT_EQ(std::string_view(two, 2), "by");
  EXPECT_EQ(*store_->list(), std::vector<std::string>{digest});

  auto staging = store_->stage();
  ASSERT_TRUE(staging);
  ASSERT_TRUE((*staging)->write(bytes));
  ASSERT_TRUE((*staging)->finish());
  auto published = (*staging)->publish();
  ASSERT_TRUE(published);
  EXPECT_FALSE(*published) << "the same content is stored already";
  EXPECT_FALSE(fs::exists(root_ / "blobs" / digest.substr(0, 2) / digest));

  ASSERT_TRUE(store_->remove(digest));
  EXPECT_FALSE(fs::exists(older));
  EXPECT_EQ(store_->open(digest, {}).error().code, ErrorCode::NotFound);
  EXPECT_EQ(store_->remove(digest).error().code, ErrorCode::NotFound);
}

// flush() makes a staging durable ahead of its publish (a bulk flushes all
// its files first); content stored already is left for publish() to drop.
TEST_F(BlobStoreTest, FlushBeforePublish) {
  const BlobInfo stored = put("stored before");
  auto fresh = store_->stage();
  auto copy = store_->stage();
  ASSERT_TRUE(fresh && copy);
  ASSERT_TRUE((*fresh)->write("new content"));
  ASSERT_TRUE((*copy)->write("stored before"));
  EXPECT_EQ((*fresh)->flush().error().code, ErrorCode::Internal) << "flush before finish";
  ASSERT_TRUE((*fresh)->finish());
  ASSERT_TRUE((*copy)->finish());
  ASSERT_TRUE((*fresh)->flush());
  ASSERT_TRUE((*copy)->flush());
  auto published = (*fresh)->publish();
  ASSERT_TRUE(published);
  EXPECT_TRUE(*published);
  published = (*copy)->publish();
  ASSERT_TRUE(published);
  EXPECT_FALSE(*published);
  EXPECT_EQ(store_->list()->size(), 2u);
  ASSERT_TRUE(store_->open(stored.sha256, {}));
  EXPECT_EQ(temp_files(), 1u) << "the copy's, until the staging goes";
  copy->reset();
  EXPECT_EQ(temp_files(), 0u);
}

TEST_F(BlobStoreTest, AnUnpublishedStagingLeavesNothing) {
  {
    auto staging = store_->stage();
    ASSERT_TRUE(staging);
    ASSERT_TRUE((*staging)->write("half an upload"));
    EXPECT_EQ(temp_files(), 1u);
  }
  EXPECT_EQ(temp_files(), 0u);
  EXPECT_TRUE(store_->list()->empty());
}

TEST_F(BlobStoreTest, RemoveListAndSweep) {
  const BlobInfo a = put("a");
  const BlobInfo b = put("b");
  auto all = *store_->list();
  std::sort(all.begin(), all.end());
  std::vector<std::string> expected{a.sha256, b.sha256};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(all, expected);
  ASSERT_TRUE(store_->remove(a.sha256));
  EXPECT_EQ(store_->open(a.sha256, {}).error().code, ErrorCode::NotFound);
  EXPECT_EQ(store_->remove(a.sha256).error().code, ErrorCode::NotFound);
  EXPECT_EQ(store_->open("../../etc/passwd", {}).error().code, ErrorCode::NotFound);
  // A temp file left by a crash is swept.
  std::ofstream(root_ / "tmp" / "upload-left-by-a-crash") << "partial";
  EXPECT_EQ(*store_->sweep_temps(), 1u);
  EXPECT_EQ(temp_files(), 0u);
}

// After prepare(), a thread keeps ten empty temp files ready, so that an
// upload does not wait for the file system to create one. fsck does not count
// them while they are empty; a staging that takes one counts as an upload.
TEST_F(BlobStoreTest, SpareTempFilesAreMadeAheadAndTakenByStagings) {
  ASSERT_TRUE(store_->prepare());
  ASSERT_TRUE(spares_reach(10));
  EXPECT_EQ(temp_files(), 10u) << "no more than ten";
  EXPECT_EQ(*store_->count_temps(), 0u) << "empty spares are not unfinished uploads";
  {
    auto staging = store_->stage();
    ASSERT_TRUE(staging);
    ASSERT_TRUE((*staging)->write("in a spare"));
    EXPECT_EQ(*store_->count_temps(), 1u) << "a spare that holds bytes is an upload";
  }
  const BlobInfo info = put("published from a spare");
  EXPECT_EQ(read((root_ / "blobs" / info.sha256.substr(0, 2) / info.sha256).string()), "published from a spare");
  ASSERT_TRUE(spares_reach(10)) << "taken spares are made again";
  store_.reset();
  EXPECT_EQ(temp_files(), 0u) << "the store removes its spares when it goes";
}

// A spare removed under the store (fsck --repair, or the temp directory
// deleted) is never handed out: a staging always gets a file that publish()
// can move into place.
TEST_F(BlobStoreTest, SparesSweptAwayAreNotUsed) {
  ASSERT_TRUE(store_->prepare());
  ASSERT_TRUE(spares_reach(10));
  EXPECT_GE(*store_->sweep_temps(), 10u);
  const BlobInfo swept = put("after a sweep");
  EXPECT_EQ(read((root_ / "blobs" / swept.sha256.substr(0, 2) / swept.sha256).string()), "after a sweep");
  fs::rename(root_ / "tmp", root_ / "gone");  // the filling thread may be making one in it meanwhile
  std::error_code ec;
  while (fs::remove_all(root_ / "gone", ec) == static_cast<std::uintmax_t>(-1)) {
  }
  const BlobInfo gone = put("after the temp directory went");
  EXPECT_EQ(read((root_ / "blobs" / gone.sha256.substr(0, 2) / gone.sha256).string()), "after the temp directory went");
}

}  // namespace
}  // namespace focusd::blob
