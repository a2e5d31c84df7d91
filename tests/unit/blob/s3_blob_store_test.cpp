// What the S3 store does beyond the BlobStore contract (which
// blob_store_contract_test.cpp runs on it): its parsing and encoding, the
// multipart path with S3's real part size, what an abandoned or crashed
// upload leaves and how the sweep's grace period spares it, and how it fails
// when S3 is away.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "auth/crypto.h"
#include "blob/s3_blob_store.h"
#include "blob/s3_client.h"
#include "test_store.h"

namespace focusd::blob {
namespace {

TEST(S3Parsing, BlobsUrlsNameABucketAndAPrefix) {
  struct Case {
    const char* url;
    bool valid;
    const char* bucket;
    const char* prefix;
  } const cases[] = {
      {"s3://focusd", true, "focusd", ""},
      {"s3://focusd/", true, "focusd", ""},
      {"s3://my.bucket-1/team/a", true, "my.bucket-1", "team/a/"},
      {"s3://focusd/attachments//", true, "focusd", "attachments/"},
      {"http://focusd", false, "", ""},
      {"s3://", false, "", ""},
      {"s3://ab", false, "", ""},            // too short
      {"s3://Focusd", false, "", ""},        // upper case
      {"s3://-focusd", false, "", ""},       // starts with '-'
      {"s3://focusd/a b", false, "", ""},    // a space in the prefix
      {"s3://focusd/a+b", false, "", ""},    // '+' (signed differently by clients)
      {"s3://focusd//abs", false, "", ""},   // an empty segment
      {"s3://focusd/a%2Fb", false, "", ""},  // encoded
      {"s3://focusd/\xc3\xa9t\xc3\xa9", false, "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto parsed = parse_s3_url(c.url);
    ASSERT_EQ(parsed.ok(), c.valid);
    if (!c.valid) {
      EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument);
      EXPECT_TRUE(parsed.error().values.contains("--blobs"));
      continue;
    }
    EXPECT_EQ(parsed->bucket, c.bucket);
    EXPECT_EQ(parsed->prefix, c.prefix);
  }
}

TEST(S3Parsing, KeysAndQueryValuesAreEncodedAsSignatureV4Wants) {
  EXPECT_EQ(s3_encode("abc-_.~XYZ09", false), "abc-_.~XYZ09");
  EXPECT_EQ(s3_encode("a/b c+d=e", false), "a%2Fb%20c%2Bd%3De");
  EXPECT_EQ(s3_encode("a/b c", true), "a/b%20c");
  EXPECT_EQ(s3_encode("\xc3\xa9", false), "%C3%A9");  // upper-case hex, byte by byte
}

TEST(S3Parsing, XmlTextIsFoundAndDecoded) {
  const std::string xml =
      "<R><Upload><Key>a&amp;b</Key><UploadId>1</UploadId></Upload><Upload><Key>c</Key></Upload>"
      "<ETag>&quot;x&quot;</ETag><IsTruncated>false</IsTruncated></R>";
  EXPECT_EQ(xml_text(xml, "Key"), "a&b");
  EXPECT_EQ(xml_text(xml, "ETag"), "\"x\"");
  EXPECT_EQ(xml_text(xml, "Missing"), std::nullopt);
  const auto uploads = xml_elements(xml, "Upload");
  ASSERT_EQ(uploads.size(), 2u);
  EXPECT_EQ(xml_text(uploads[1], "Key"), "c");
  EXPECT_EQ(xml_text(uploads[1], "UploadId"), std::nullopt);
  EXPECT_EQ(xml_text("<Key>unclosed", "Key"), std::nullopt);
}

// Nothing listens on the endpoint: every call is Unavailable (503), after its
// tries, quickly; never Internal, never a hang.
TEST(S3Unreachable, EveryCallIsUnavailable) {
  ASSERT_TRUE(auth::init_crypto());
  S3BlobSettings settings;
  settings.s3.endpoint = "http://127.0.0.1:1";
  settings.s3.bucket = "focusd";
  settings.s3.path_style = true;
  settings.s3.access_key = "k";
  settings.s3.secret_key = "s";
  settings.s3.attempts = 2;
  auto store = make_s3_blob_store(settings);
  const auto started = std::chrono::steady_clock::now();
  auto prepared = store->prepare();
  ASSERT_FALSE(prepared);
  EXPECT_EQ(prepared.error().code, ErrorCode::Unavailable);
  auto staging = store->stage();  // makes the bucket first, which fails
  ASSERT_FALSE(staging);
  EXPECT_EQ(staging.error().code, ErrorCode::Unavailable);
  for (const ReadRange range : {ReadRange{}, ReadRange{1, 2}}) {
    auto opened = store->open(std::string(64, 'a'), range);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, ErrorCode::Unavailable);
  }
  auto listed = store->list();
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, ErrorCode::Unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(auth::init_crypto());
    if (!s3test::s3_wanted()) GTEST_SKIP() << "FOCUSD_TEST_S3 is not 1";
    auto env = s3test::gateway_env();
    settings_.s3.endpoint = env["AWS_ENDPOINT_URL"];
    settings_.s3.bucket = "focusd-unit";
    settings_.s3.path_style = true;
    settings_.s3.access_key = env["AWS_ACCESS_KEY_ID"];
    settings_.s3.secret_key = env["AWS_SECRET_ACCESS_KEY"];
    settings_.prefix = s3test::fresh_prefix();
    settings_.part_size = std::uint64_t{5} << 20;  // S3's smallest part
    settings_.orphan_grace = std::chrono::seconds(0);
    client_ = std::make_unique<S3Client>(settings_.s3);
    store_ = make_s3_blob_store(settings_);
    ASSERT_TRUE(store_->prepare());
  }

  // The keys under the store's prefix, and its multipart uploads in flight.
  std::vector<std::string> keys() {
    auto page = client_->send(S3Request("GET", {}, "list-type=2&prefix=" + s3_encode(settings_.prefix, false)));
    EXPECT_TRUE(page && page->ok());
    std::vector<std::string> found;
    if (!page) return found;
    for (const auto contents : xml_elements(page->body, "Contents")) found.push_back(*xml_text(contents, "Key"));
    return found;
  }
  std::size_t uploads() { return upload_keys().size(); }
  std::vector<std::string> upload_keys() {
    auto page = client_->send(S3Request("GET", {}, "prefix=" + s3_encode(settings_.prefix, false) + "&uploads="));
    EXPECT_TRUE(page && page->ok());
    std::vector<std::string> found;
    if (!page) return found;
    for (const auto upload : xml_elements(page->body, "Upload")) found.push_back(*xml_text(upload, "Key"));
    return found;
  }

  S3BlobSettings settings_;
  std::unique_ptr<S3Client> client_;
  std::unique_ptr<BlobStore> store_;
};

std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 13 + i / 4099) & 0xff);
  return bytes;
}

// Every byte of the blob `digest`, read back.
std::string read_back(BlobStore& store, const std::string& digest) {
  auto source = store.open(digest, {});
  EXPECT_TRUE(source && source->length);
  if (!source || !source->length) return {};
  auto& stream = *std::get<std::unique_ptr<ByteStream>>(source->bytes);
  std::string read(*source->length, '\0');
  for (std::size_t at = 0; at < read.size();) {
    auto n = stream.read(std::span<char>(read.data() + at, read.size() - at));
    EXPECT_TRUE(n && *n > 0);
    if (!n || *n == 0) return {};
    at += *n;
  }
  return read;
}

// With the rest of the bytes promised (a form of known length), they go to S3
// in one part as they are written, held by no part buffer: the multipart
// upload is under way long before a part's worth has come.
TEST_F(S3StoreTest, PromisedBytesGoToS3AsTheyAreWritten) {
  const std::string bytes = pattern((std::size_t{12} << 20) + 5);
  const std::size_t tail = 70000;  // what a form may hold after its file, say
  auto staging = store_->stage();
  ASSERT_TRUE(staging);
  for (std::size_t at = 0; at < bytes.size(); at += 65536) {
    (*staging)->expect_at_least(bytes.size() - std::min(bytes.size(), at + 65536 + tail));
    ASSERT_TRUE((*staging)->write(bytes.substr(at, 65536)));
    if (at == 0) {
      EXPECT_EQ(uploads(), 1u);
    }
  }
  auto info = (*staging)->finish();
  ASSERT_TRUE(info);
  auto published = (*staging)->publish();
  ASSERT_TRUE(published) << published.error().detail;
  // Stored where it was sent, under a name of its own: no copy to its digest's key.
  EXPECT_NE(info->name, info->sha256);
  EXPECT_TRUE(is_blob_name(info->name));
  EXPECT_EQ(keys(), std::vector<std::string>{settings_.prefix + "blobs/" + info->name});
  EXPECT_EQ(uploads(), 0u);
  EXPECT_TRUE(read_back(*store_, info->name) == bytes);
  EXPECT_EQ(*store_->list(), std::vector<std::string>{info->name});
  ASSERT_TRUE(store_->remove(info->name));
  EXPECT_TRUE(keys().empty());
}

// Bytes promised but never written: the upload fails and nothing is stored.
TEST_F(S3StoreTest, AnUploadEndingShortOfItsPromiseStoresNothing) {
  {
    auto staging = store_->stage();
    ASSERT_TRUE(staging);
    (*staging)->expect_at_least(std::size_t{12} << 20);
    ASSERT_TRUE((*staging)->write(pattern(std::size_t{6} << 20)));
    auto info = (*staging)->finish();
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::Internal);
  }
  for (int i = 0; i < 500 && uploads() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(uploads(), 0u);
  EXPECT_TRUE(keys().empty());
}

TEST_F(S3StoreTest, ALargeUploadGoesInPartsAndLeavesOnlyItsBlob) {
  const std::string bytes = pattern((std::size_t{12} << 20) + 5);  // three parts of 5 MiB, the last short
  auto staging = store_->stage();
  ASSERT_TRUE(staging);
  for (std::size_t at = 0; at < bytes.size(); at += 65536) ASSERT_TRUE((*staging)->write(bytes.substr(at, 65536)));
  EXPECT_EQ(uploads(), 1u);  // under way as it arrives
  auto info = (*staging)->finish();
  ASSERT_TRUE(info);
  auto published = (*staging)->publish();
  ASSERT_TRUE(published) << published.error().detail;
  EXPECT_EQ(info->name, info->sha256);  // copied to its digest's key, no temp object left
  EXPECT_EQ(keys(), std::vector<std::string>{settings_.prefix + "blobs/" + info->sha256});
  EXPECT_EQ(uploads(), 0u);
  EXPECT_TRUE(read_back(*store_, info->sha256) == bytes);
}

// A bulk's file within one part, past what the bulk holds (expect_late_flush):
// sent at finish() as the one part of a multipart upload to its digest's key,
// which flush() completes; dropped before that, it is aborted, nothing stored.
TEST_F(S3StoreTest, ALateFlushedFileIsSentAtFinishAndStoredByItsFlushAlone) {
  const std::string bytes = pattern(std::size_t{1} << 20);
  {
    auto dropped = store_->stage();
    ASSERT_TRUE(dropped);
    (*dropped)->expect_late_flush();
    ASSERT_TRUE((*dropped)->write(bytes));
    ASSERT_TRUE((*dropped)->finish());
    EXPECT_EQ(uploads(), 1u);
  }
  for (int i = 0; i < 500 && uploads() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(uploads(), 0u);
  EXPECT_TRUE(keys().empty());

  auto staging = store_->stage();
  ASSERT_TRUE(staging);
  (*staging)->expect_late_flush();
  ASSERT_TRUE((*staging)->write(bytes));
  EXPECT_EQ(uploads(), 0u);  // held until the file ends
  auto info = (*staging)->finish();
  ASSERT_TRUE(info);
  // Its bytes sent, to its digest's key (no copy to come), not yet stored.
  EXPECT_EQ(upload_keys(), std::vector<std::string>{settings_.prefix + "blobs/" + info->sha256});
  EXPECT_TRUE(keys().empty());
  auto published = (*staging)->publish();
  ASSERT_TRUE(published) << published.error().detail;
  EXPECT_EQ(info->name, info->sha256);
  EXPECT_EQ(keys(), std::vector<std::string>{settings_.prefix + "blobs/" + info->sha256});
  EXPECT_EQ(uploads(), 0u);
  EXPECT_TRUE(read_back(*store_, info->sha256) == bytes);
}

TEST_F(S3StoreTest, ADroppedStagingAbortsItsUploadWithoutWaiting) {
  {
    auto staging = store_->stage();
    ASSERT_TRUE(staging);
    ASSERT_TRUE((*staging)->write(pattern((std::size_t{5} << 20) + 1)));
    EXPECT_EQ(uploads(), 1u);
  }
  // The abort is sent by a thread of its own: wait for it, a while at most.
  for (int i = 0; i < 500 && uploads() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(uploads(), 0u);
  EXPECT_TRUE(keys().empty());
}

// An admin command may come before any server made the bucket: nothing is there.
TEST_F(S3StoreTest, ABucketNotYetMadeListsNothing) {
  S3BlobSettings unmade = settings_;
  unmade.s3.bucket = "focusd-unmade-" + std::to_string(::getpid());
  auto store = make_s3_blob_store(unmade);
  auto listed = store->list();
  ASSERT_TRUE(listed) << listed.error().detail;
  EXPECT_TRUE(listed->empty());
  auto recent = store->recent();
  ASSERT_TRUE(recent) << recent.error().detail;
  EXPECT_TRUE(recent->empty());
  auto temps = store->count_temps();
  ASSERT_TRUE(temps) << temps.error().detail;
  EXPECT_EQ(*temps, 0u);
  auto bucket = S3Client(unmade.s3).send(S3Request("HEAD", {}));
  ASSERT_TRUE(bucket);
  EXPECT_EQ(bucket->status, 404);  // listing made nothing
}

TEST_F(S3StoreTest, TheSweepSparesWhatIsYoungerThanItsGracePeriod) {
  // What a crash leaves: an upload never completed and a temp object never
  // copied, and a streamed upload (under blobs/) never completed.
  const std::string temp = settings_.prefix + "tmp/0123abcd";
  auto started = client_->send(S3Request("POST", temp + "-upload", "uploads="));
  ASSERT_TRUE(started && started->ok());
  auto put = client_->send(S3Request("PUT", temp, "", "left behind"));
  ASSERT_TRUE(put && put->ok());
  auto streamed = client_->send(S3Request("POST", settings_.prefix + "blobs/" + new_upload_name(), "uploads="));
  ASSERT_TRUE(streamed && streamed->ok());

  S3BlobSettings patient = settings_;
  patient.orphan_grace = std::chrono::seconds(3600);
  auto spared = make_s3_blob_store(patient);
  EXPECT_EQ(*spared->count_temps(), 0u);
  EXPECT_EQ(*spared->sweep_temps(), 0u);
  EXPECT_EQ(uploads(), 2u);
  EXPECT_EQ(keys().size(), 1u);

  EXPECT_EQ(*store_->count_temps(), 3u);  // no grace
  EXPECT_EQ(*store_->sweep_temps(), 3u);
  EXPECT_EQ(uploads(), 0u);
  EXPECT_TRUE(keys().empty());
  EXPECT_EQ(*store_->count_temps(), 0u);
}

}  // namespace
}  // namespace focusd::blob
