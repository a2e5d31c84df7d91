// Large and interrupted uploads: byte-exact round trips of big files, memory
// that does not grow with the upload, and nothing left behind by a client
// that goes away, a stalled client, or a crash (kill -9) mid-upload.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <thread>

#include "attachments_support.h"
#include "test_store.h"

namespace focusd::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::uint64_t kMiB = 1 << 20;

// The bytes of a generated file: 1 MiB pieces of noise, each stamped with its
// number so that a lost or repeated piece changes the digest.
class GeneratedFile {
 public:
  explicit GeneratedFile(std::uint64_t size) : size_(size), noise_(binary_bytes(kMiB, 11)) {}
  std::uint64_t size() const { return size_; }
  // Piece i (the last may be short).
  std::string piece(std::uint64_t i) const {
    std::string out = noise_.substr(0, std::min<std::uint64_t>(kMiB, size_ - i * kMiB));
    for (std::size_t b = 0; b < 8 && b < out.size(); ++b) out[b] = static_cast<char>((i >> (8 * b)) & 0xff);
    return out;
  }
  std::uint64_t pieces() const { return (size_ + kMiB - 1) / kMiB; }
  std::string sha256() const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    for (std::uint64_t i = 0; i < pieces(); ++i) {
      const std::string p = piece(i);
      EVP_DigestUpdate(ctx, p.data(), p.size());
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_DigestFinal_ex(ctx, digest, &length);
    EVP_MD_CTX_free(ctx);
    return to_hex(digest, length);
  }
  std::string all() const {
    std::string out;
    for (std::uint64_t i = 0; i < pieces(); ++i) out += piece(i);
    return out;
  }

 private:
  std::uint64_t size_;
  std::string noise_;
};

class StreamedUploads : public ::testing::Test {
 protected:
  explicit StreamedUploads(std::vector<std::string> extra = {"--max-upload-file-bytes", "2147483648"},
                           std::string s3_gateway = "")
      : server({.extra_args = std::move(extra), .s3_gateway = std::move(s3_gateway)}), owner(server.seed_user()) {
    HttpClient client = server.client();
    Headers headers = owner.basic();
    headers.emplace_back("Content-Type", "application/json");
    auto res = client.request("POST", workspace_path() + "/projects", headers, R"({"name":"Big"})");
    project_id = res.json().at("id").as_int64();
  }
  std::string workspace_path() const { return owner.workspace_path(); }
  std::int64_t bulk_growth_kib(std::uint64_t size);
  std::string attachments() const {
    return workspace_path() + "/projects/" + std::to_string(project_id) + "/attachments";
  }

  // Sends a single-file upload of `file` piece by piece (calling `each_piece`
  // after each). With `stop_after_pieces` only that many pieces are sent and
  // no response is read; otherwise the response is returned.
  std::optional<HttpResponse> send(HttpClient& client, const GeneratedFile& file,
                                   const std::function<void()>& each_piece = {},
                                   std::optional<std::uint64_t> stop_after_pieces = std::nullopt) {
    const std::string head = part_head(file_part("file", "big.bin", ""));
    const std::string tail = "\r\n" + part_head(field("display_order", "")) + "1\r\n--" + kBoundary + "--\r\n";
    const std::uint64_t length = head.size() + file.size() + tail.size();
    client.send_raw("POST " + attachments() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " +
                    owner.basic()[0].second + "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                    "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n" + head);
    for (std::uint64_t i = 0; i < file.pieces(); ++i) {
      if (stop_after_pieces && i == *stop_after_pieces) return std::nullopt;
      client.send_raw(file.piece(i));
      if (each_piece) each_piece();
    }
    client.send_raw(tail);
    return client.read_response();
  }

  HttpResponse view(std::int64_t id) {
    HttpClient client = server.client();
    return client.request("GET", attachments() + "/" + std::to_string(id) + "/view", owner.basic());
  }
  std::size_t listed() {
    HttpClient client = server.client();
    return client.request("GET", attachments(), owner.basic()).json().as_array().size();
  }
  // Waits (bounded) until the server has removed every temp file.
  bool temps_gone(std::chrono::milliseconds wait = 5000ms) {
    for (auto deadline = std::chrono::steady_clock::now() + wait; std::chrono::steady_clock::now() < deadline;) {
      if (upload_temps(server) == 0) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  // A /proc/<pid>/status figure in KiB (VmRSS, VmHWM).
  std::int64_t status_kib(const std::string& key) const { return proc_status_kib(server.pid(), key); }

  FocusdServer server;
  SeededUser owner;
  std::int64_t project_id = 0;
};

TEST_F(StreamedUploads, A200MiBFileRoundTripsExactly) {
  const GeneratedFile file(200 * kMiB + 12345);
  HttpClient client = server.client();
  auto res = send(client, file);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(res->json().at("size").as_int64(), static_cast<std::int64_t>(file.size()));
  auto back = view(res->json().at("id").as_int64());
  EXPECT_EQ(back.status, 200);
  EXPECT_EQ(back.header("etag"), "\"" + file.sha256() + "\"");
  EXPECT_TRUE(back.body == file.all());  // not EXPECT_EQ: a failure would print 200 MiB
  EXPECT_EQ(upload_temps(server), 0u);
}

TEST_F(StreamedUploads, MemoryDoesNotGrowWithA1GiBUpload) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "AddressSanitizer's quarantine and shadow memory make RSS meaningless here";
#endif
  const GeneratedFile file(1024 * kMiB);
  // A small upload first: the first one loads the MIME database (a one-time
  // ~6 MiB file mapping, not growth with the upload's size).
  HttpClient warm = server.client();
  ASSERT_EQ(send(warm, GeneratedFile(1000))->status, 201);
  // Start the kernel's high-water mark afresh (it holds the start-up peak:
  // the Argon2id work of the first password check), then upload with the
  // credentials already checked and remembered.
  std::ofstream("/proc/" + std::to_string(server.pid()) + "/clear_refs") << "5";
  const std::int64_t before = status_kib("VmRSS");
  ASSERT_GT(before, 0);
  ASSERT_LE(status_kib("VmHWM"), before + 1024);
  std::int64_t peak = before;
  HttpClient client = server.client();
  auto res = send(client, file, [&] { peak = std::max(peak, status_kib("VmRSS")); });
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  peak = std::max(peak, status_kib("VmHWM"));
  const std::int64_t growth_kib = peak - before;
  std::printf("RSS before %lld KiB, peak %lld KiB, growth %lld KiB during a 1 GiB upload\n",
              static_cast<long long>(before), static_cast<long long>(peak), static_cast<long long>(growth_kib));
  // A few MiB at most, whatever the size of the upload; on S3 (issue 19's
  // bound) 32 MiB: up to three parts of 6 MiB are held, one filling, two sent.
  EXPECT_LT(growth_kib, (server.blobs().empty() ? 8 : 32) * 1024);
  HttpClient head = server.client();
  auto stored = head.request("HEAD", attachments() + "/" + std::to_string(res->json().at("id").as_int64()) + "/view",
                             owner.basic());
  EXPECT_EQ(stored.header("content-length"), std::to_string(file.size()));
  EXPECT_EQ(stored.header("etag"), "\"" + file.sha256() + "\"");
}

// Sends a bulk of ten files of `size` bytes (each its own content: its number,
// then the same generated bytes) while sampling the server's RSS, and checks
// that all ten are stored; how much the server grew meanwhile, in KiB.
std::int64_t StreamedUploads::bulk_growth_kib(std::uint64_t size) {
  HttpClient warm = server.client();
  EXPECT_EQ(send(warm, GeneratedFile(1000))->status, 201);  // the MIME database, mapped once
  const GeneratedFile file(size);
  constexpr int kFiles = 10;
  std::uint64_t length = 0;
  std::vector<std::string> heads, tails;
  for (int i = 0; i < kFiles; ++i) {
    heads.push_back(part_head(file_part("files", "f" + std::to_string(i), "")) + std::to_string(i));
    tails.push_back("\r\n" + part_head(field("display_orders", "")) + std::to_string(i) + "\r\n");
    length += heads.back().size() + file.size() + tails.back().size();
  }
  const std::string closing = "--" + kBoundary + "--\r\n";
  length += closing.size();

  std::ofstream("/proc/" + std::to_string(server.pid()) + "/clear_refs") << "5";  // the high-water mark afresh
  const std::int64_t before = status_kib("VmRSS");
  std::int64_t peak = before;
  HttpClient client = server.client();
  client.send_raw("POST " + attachments() + "/bulk HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic()[0].second +
                  "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                  "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n");
  for (int i = 0; i < kFiles; ++i) {
    client.send_raw(heads[i]);
    for (std::uint64_t p = 0; p < file.pieces(); ++p) {
      client.send_raw(file.piece(p));
      peak = std::max(peak, status_kib("VmRSS"));
    }
    client.send_raw(tails[i]);
  }
  client.send_raw(closing);
  auto res = client.read_response();
  EXPECT_EQ(res.status, 201) << res.body;
  peak = std::max(peak, status_kib("VmHWM"));
  EXPECT_EQ(listed(), static_cast<std::size_t>(kFiles) + 1);
  std::printf("RSS before %lld KiB, growth %lld KiB during a bulk of ten files of %llu bytes\n",
              static_cast<long long>(before), static_cast<long long>(peak - before),
              static_cast<unsigned long long>(size));
  return peak - before;
}

// A bulk's files end one after another, and each is sent on as it ends: the
// memory a bulk holds is that of one file being sent (on S3 up to three parts
// of 6 MiB), not that of all ten. Before, ten 12 MiB files to S3 grew the
// server by about 120 MiB.
TEST_F(StreamedUploads, MemoryOfABulkIsThatOfOneFile) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "AddressSanitizer's quarantine and shadow memory make RSS meaningless here";
#endif
  EXPECT_LT(bulk_growth_kib(12 * kMiB), (server.blobs().empty() ? 8 : 32) * 1024);
}

// Files within one S3 part are held in memory until the bulk's flush only up
// to 16 MiB of them; those past it are sent on as they end (the one part of a
// multipart upload, completed at the flush). Before, ten 5 MiB files to S3
// grew the server by about 61 MiB; now by 16 MiB held, one file being sent.
TEST_F(StreamedUploads, MemoryOfABulkOfFilesWithinOnePartIsBounded) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "AddressSanitizer's quarantine and shadow memory make RSS meaningless here";
#endif
  EXPECT_LT(bulk_growth_kib(5 * kMiB), (server.blobs().empty() ? 8 : 32) * 1024);
}

TEST_F(StreamedUploads, AClientThatGoesAwayMidBulkLeavesNothing) {
  const std::string noise = binary_bytes(kMiB, 5);
  std::string body;
  for (int i = 0; i < 10; ++i) {
    body += part_head(file_part("files", "f" + std::to_string(i), "")) + noise + std::to_string(i) + "\r\n";
    body += part_head(field("display_orders", "")) + std::to_string(i) + "\r\n";
  }
  body += "--" + kBoundary + "--\r\n";
  const std::size_t cut = body.find("name=\"files\"; filename=\"f4\"") + kMiB / 2;  // half of file 5
  {
    HttpClient client = server.client();
    client.send_raw("POST " + attachments() + "/bulk HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic()[0].second +
                    "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, cut));
    std::this_thread::sleep_for(200ms);
  }  // the connection closes here
  EXPECT_TRUE(temps_gone());
  EXPECT_EQ(listed(), 0u);
  EXPECT_EQ(settled_blobs(server), 0u);
  auto fsck = server.admin({"fsck"});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.out;
}

// 100 Continue comes once the request is admitted, before the handler's own
// checks; a refusal by those (here: no such project) of a large upload then
// comes without waiting for its body, and the connection closes after it.
TEST_F(StreamedUploads, ExpectContinueComesAtOnceAndARefusalNeedsNoBody) {
  const GeneratedFile file(4 * kMiB);  // more than the server reads to keep a refused connection
  const std::string head = part_head(file_part("file", "big.bin", ""));
  const std::string tail = "\r\n" + part_head(field("display_order", "")) + "1\r\n--" + kBoundary + "--\r\n";
  auto request = [&](const std::string& path) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + owner.basic()[0].second +
           "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
           "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(head.size() + file.size() + tail.size()) +
           "\r\n\r\n";
  };
  HttpClient client = server.client();
  client.send_raw(request(attachments()));
  EXPECT_EQ(client.read_response(true).status, 100);
  client.send_raw(head + file.all() + tail);
  EXPECT_EQ(client.read_response().status, 201);

  HttpClient refused = server.client();
  refused.send_raw(request(workspace_path() + "/projects/" + std::to_string(project_id + 1000) + "/attachments"));
  EXPECT_EQ(refused.read_response(true).status, 100);
  auto res = refused.read_response();  // no body sent
  EXPECT_EQ(res.status, 404) << res.body;
  EXPECT_TRUE(refused.closed_by_peer());
  EXPECT_EQ(listed(), 1u);
  EXPECT_TRUE(temps_gone());
}

class StalledUploads : public StreamedUploads {
 protected:
  StalledUploads() : StreamedUploads({"--body-timeout", "1"}) {}
};

TEST_F(StalledUploads, AStalledUploadIsCutOffAndLeavesNothing) {
  const GeneratedFile file(4 * kMiB);
  HttpClient client = server.client();
  EXPECT_FALSE(send(client, file, {}, 2));  // two pieces, then silence
  EXPECT_TRUE(client.closed_by_peer(5000ms));
  EXPECT_TRUE(temps_gone());
  EXPECT_EQ(listed(), 0u);
  EXPECT_EQ(settled_blobs(server), 0u);
}

TEST_F(StreamedUploads, AKillMidUploadLeavesNoPartialAttachment) {
  const GeneratedFile file(64 * kMiB);
  {
    HttpClient client = server.client();
    EXPECT_FALSE(send(client, file, {}, 20));
    for (int i = 0; i < 250 && upload_temps(server) == 0; ++i) std::this_thread::sleep_for(20ms);
    ASSERT_EQ(upload_temps(server), 1u);  // the upload was under way
    server.kill9();
  }
  auto found = server.admin({"fsck"});
  EXPECT_EQ(found.exit_code, 1) << found.out;
  EXPECT_EQ(boost::json::parse(found.out).at("temp_files").as_int64(), 1) << found.out;
  EXPECT_EQ(boost::json::parse(found.out).at("missing_blobs").as_array().size(), 0u) << found.out;

  server.start();  // sweeps the temp files of the crashed run
  EXPECT_EQ(listed(), 0u);
  auto clean = server.admin({"fsck"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_EQ(settled_blobs(server), 0u);
}

TEST_F(StreamedUploads, AnAcknowledgedUploadSurvivesAKill) {
  const GeneratedFile file(8 * kMiB);
  HttpClient client = server.client();
  auto res = send(client, file);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  server.kill9();
  server.start();
  auto back = view(res->json().at("id").as_int64());
  EXPECT_EQ(back.status, 200);
  EXPECT_TRUE(back.body == file.all());
  EXPECT_EQ(server.admin({"fsck"}).exit_code, 0);
}

// The S3 pass only: an S3 client that is not focusd's (the AWS SDK for
// JavaScript, tools/s3-check.mjs) finds in the bucket exactly the blobs of
// what was uploaded, under their digests, and reads their bytes.
TEST_F(StreamedUploads, AnotherS3ClientReadsWhatWasStored) {
  if (server.blobs().empty()) GTEST_SKIP() << "the S3 pass's";
  const GeneratedFile big(20 * kMiB + 7);  // streamed as it came, under a name of its own
  const std::string small = "a small file, one PUT";
  HttpClient client = server.client();
  auto stored = send(client, big);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->status, 201) << stored->body;
  ASSERT_EQ(
      upload(client, owner, attachments(), {file_part("file", "s.txt", small), field("display_order", "2")}).status,
      201);

  const std::string url = server.blobs();  // s3://BUCKET/PREFIX/
  const std::string bucket = url.substr(5, url.find('/', 5) - 5);
  const std::string prefix = url.substr(url.find('/', 5) + 1);
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& [name, value] : s3test::gateway_env()) env.emplace_back(name, value);
  env.emplace_back("NODE_NO_WARNINGS", "1");
  auto check = [&](const std::vector<std::string>& args) {
    std::vector<std::string> command = {"node", FOCUSD_S3_CHECK, bucket, prefix};
    command.insert(command.end(), args.begin(), args.end());
    auto checked = run_process(command, env);
    EXPECT_EQ(checked.exit_code, 0) << checked.err;
    return checked.exit_code == 0 ? boost::json::parse(checked.out).as_object() : boost::json::object{};
  };
  // The keys: the small file's digest, and the big one's name (no temp object left behind).
  const auto listing = check({});
  std::vector<std::string> keys;
  for (const auto& key : listing.at("keys").as_array()) keys.emplace_back(key.as_string());
  const std::string small_key = prefix + "blobs/" + sha256_hex(small);
  ASSERT_EQ(keys.size(), 2u);
  ASSERT_EQ(std::count(keys.begin(), keys.end(), small_key), 1);
  const std::string big_key = keys[0] == small_key ? keys[1] : keys[0];
  EXPECT_TRUE(big_key.starts_with(prefix + "blobs/u-")) << big_key;  // not its digest
  const auto report = check({big_key});
  EXPECT_EQ(report.at("object").at("size").as_int64(), static_cast<std::int64_t>(big.size()));
  EXPECT_EQ(report.at("object").at("sha256").as_string(), big.sha256());  // the bytes, read by the SDK
}

// A gateway of the test's own (tests/s3/ceph), which it may stop and start
// again without disturbing the other tests' shared one.
class OwnGateway {
 public:
  OwnGateway() {
    if (!on_s3()) return;  // the test skips
    auto started = run(FOCUSD_S3_GATEWAY_SCRIPT, "start");
    if (started.exit_code != 0) throw std::runtime_error("the test's own gateway did not start:\n" + started.err);
  }
  ~OwnGateway() {
    if (on_s3()) run(FOCUSD_S3_GATEWAY_SCRIPT, "stop");
  }
  OwnGateway(const OwnGateway&) = delete;
  OwnGateway& operator=(const OwnGateway&) = delete;

  std::string dir() const { return on_s3() ? (dir_.path() / "gateway").string() : ""; }
  ProcessResult stop_rgw() const { return run(FOCUSD_S3_GATEWAY_SCRIPT, "stop-rgw"); }
  ProcessResult start_rgw() const { return run(FOCUSD_S3_GATEWAY_SCRIPT, "start-rgw"); }
  ProcessResult freeze_rgw() const { return run(FOCUSD_S3_GATEWAY_SCRIPT, "freeze-rgw"); }
  ProcessResult thaw_rgw() const { return run(FOCUSD_S3_GATEWAY_SCRIPT, "thaw-rgw"); }

 private:
  ProcessResult run(const char* script, const char* command) const {
    return run_process({script, command, dir()}, {{"FOCUSD_TEST_S3", "1"}});
  }

  TempDir dir_;
};

// The S3 pass only: the gateway goes away in the middle of an upload.
class GatewayOutage : private OwnGateway, public StreamedUploads {
 protected:
  GatewayOutage()
      : StreamedUploads({"--max-upload-file-bytes", "2147483648", "--s3-attempts", "2"}, OwnGateway::dir()) {}

  void SetUp() override {
    if (!on_s3()) GTEST_SKIP() << "the S3 pass's";
  }

  using OwnGateway::freeze_rgw;
  using OwnGateway::start_rgw;
  using OwnGateway::stop_rgw;
  using OwnGateway::thaw_rgw;
  std::string gateway() const { return OwnGateway::dir(); }
};

TEST_F(GatewayOutage, AnUploadCutOffIsNeverAcknowledgedAndTheStoreComesBack) {
  HttpClient json = server.client();
  Headers headers = owner.basic();
  headers.emplace_back("Content-Type", "application/json");
  const GeneratedFile big(24 * kMiB);  // parts of 6 MiB: two are sent before the half
  HttpClient uploading = server.client();
  ASSERT_FALSE(send(uploading, big, {}, 12));  // half of it, then the gateway goes
  for (int i = 0; i < 250 && upload_temps(server) == 0; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(upload_temps(server), 1u);  // the multipart upload was under way
  ASSERT_EQ(stop_rgw().exit_code, 0);

  int status = 0;  // 0: the server answered nothing (it may close the connection)
  try {
    for (std::uint64_t i = 12; i < big.pieces(); ++i) uploading.send_raw(big.piece(i));
    uploading.send_raw("\r\n" + part_head(field("display_order", "")) + "1\r\n--" + kBoundary + "--\r\n");
    status = uploading.read_response().status;
  } catch (const std::exception&) {
  }
  EXPECT_TRUE(status == 0 || status == 503) << status;  // never a 2xx

  // New uploads get 503 with a Focus error body; the rest is served as ever.
  HttpClient client = server.client();
  auto refused =
      upload(client, owner, attachments(), {file_part("file", "a.txt", "hello"), field("display_order", "1")});
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json().at("error").as_string(), "unavailable");
  auto project = json.request("POST", workspace_path() + "/projects", headers, R"({"name":"Still served"})");
  EXPECT_EQ(project.status, 201) << project.body;
  auto ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json().at("blobs").at("state").as_string(), "unavailable");
  EXPECT_EQ(listed(), 0u);

  ASSERT_EQ(start_rgw().exit_code, 0);
  EXPECT_EQ(client.get("/readyz").json().at("blobs").at("state").as_string(), "ok");
  const GeneratedFile again(10 * kMiB);
  HttpClient after = server.client();
  auto res = send(after, again);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  auto back = view(res->json().at("id").as_int64());
  EXPECT_EQ(back.status, 200);
  EXPECT_TRUE(back.body == again.all());
  EXPECT_EQ(listed(), 1u);
  auto fsck = server.admin({"fsck", "--repair"});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.out;  // the cut-off upload's parts are swept
  EXPECT_EQ(boost::json::parse(fsck.out).at("missing_blobs").as_array().size(), 0u);
  // Nothing it logged, errors included, holds the credentials.
  const auto credentials = s3test::gateway_env(gateway());
  for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}) {
    EXPECT_EQ(server.log().find(credentials.at(name)), std::string::npos) << name;
    EXPECT_EQ(fsck.err.find(credentials.at(name)), std::string::npos) << name;
  }
}

// A view streams from S3 as the client reads: when the gateway goes away
// mid-reply, the reply ends short of its Content-Length (never a whole-looking
// one), everything else is served on, and the view is whole again once the
// gateway is back.
TEST_F(GatewayOutage, AViewCutOffMidReplyEndsShortAndTheStoreComesBack) {
  const GeneratedFile big(64 * kMiB);  // far more than the sockets on the way hold
  HttpClient client = server.client();
  auto res = send(client, big);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const std::int64_t id = res->json().at("id").as_int64();

  HttpClient viewing = server.client();
  viewing.send_raw("GET " + attachments() + "/" + std::to_string(id) + "/view HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                   "Authorization: " + owner.basic()[0].second + "\r\n\r\n");
  std::this_thread::sleep_for(300ms);  // the reply is under way; the client has read none of it
  ASSERT_EQ(stop_rgw().exit_code, 0);
  EXPECT_THROW(viewing.read_response(), std::exception);  // the body ends before its Content-Length

  auto ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json().at("blobs").at("state").as_string(), "unavailable");
  auto refused = view(id);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json().at("error").as_string(), "unavailable");
  EXPECT_EQ(listed(), 1u);

  ASSERT_EQ(start_rgw().exit_code, 0);
  auto back = view(id);
  EXPECT_EQ(back.status, 200);
  EXPECT_TRUE(back.body == big.all());
  EXPECT_NE(server.log().find("stream reply cut short"), std::string::npos);
}

// A gateway that takes connections and answers nothing (SIGSTOPped) holds the
// uploads sent to it in the blob pool (--blob-threads), not in the blocking
// pool: with more uploads waiting than the blocking pool has threads,
// everything that needs no attachment bytes is served as ever. Once the
// gateway moves again, every upload is stored whole.
TEST_F(GatewayOutage, UploadsIntoAGatewayThatHangsHoldNothingElseUp) {
  ASSERT_EQ(freeze_rgw().exit_code, 0);
  const GeneratedFile file(8 * kMiB);  // streamed to S3 as it arrives
  constexpr int kUploads = 6;          // more than the 4 blocking threads
  std::vector<int> statuses(kUploads);
  std::vector<std::jthread> uploads;  // joined on the way out, early or not
  for (int i = 0; i < kUploads; ++i) {
    uploads.emplace_back([&, i] {
      try {  // a client that waits too long throws: then 0
        HttpClient c = server.client();
        auto res = send(c, file);
        statuses[i] = res ? res->status : 0;
      } catch (const std::exception&) {
      }
    });
  }
  std::this_thread::sleep_for(1s);  // each upload has reached the gateway, which answers nothing

  HttpClient client = server.client();
  Headers headers = owner.basic();
  headers.emplace_back("Content-Type", "application/json");
  EXPECT_EQ(client.get(workspace_path() + "/projects/" + std::to_string(project_id), owner.basic()).status, 200);
  EXPECT_EQ(client.get(attachments(), owner.basic()).status, 200);
  EXPECT_EQ(client.request("POST", workspace_path() + "/projects", headers, R"({"name":"Served"})").status, 201);

  ASSERT_EQ(thaw_rgw().exit_code, 0);
  for (auto& t : uploads) t.join();
  for (int status : statuses) EXPECT_EQ(status, 201);
  const auto listing = client.get(attachments(), owner.basic()).json().as_array();
  ASSERT_EQ(listing.size(), static_cast<std::size_t>(kUploads));
  for (const auto& a : listing) {
    auto back = view(a.at("id").as_int64());
    EXPECT_TRUE(back.body == file.all()) << back.body.size() << " bytes";
  }
}

}  // namespace
}  // namespace focusd::test
