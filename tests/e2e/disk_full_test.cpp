// A disk filled through focusd can be freed through focusd (issue 14, item 5):
// on a small tmpfs, uploads and then project creates fill the filesystem until
// they get 507; deletes of attachments and projects still work, and what they
// free takes the next upload. Needs permission to mount a tmpfs (root); skips
// with a message otherwise.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "attachments_support.h"

namespace focusd::test {
namespace {

namespace fs = std::filesystem;

// A tmpfs of `bytes` mounted on a new directory while the object lives.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(std::uint64_t bytes) : mount_point_(dir_.path() / "fs") {
    fs::create_directories(mount_point_);
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
    mounted_ = ::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallFilesystem() {
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const fs::path& path() const { return mount_point_; }
  std::uint64_t free_bytes() const {
    struct statvfs vfs {};
    ::statvfs(mount_point_.c_str(), &vfs);
    return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  }

 private:
  TempDir dir_;
  fs::path mount_point_;
  bool mounted_ = false;
  std::string error_;
};

constexpr std::uint64_t kMiB = 1 << 20;

// The "disk" member of a storage or /readyz answer ("" when absent).
std::string disk_state(const HttpResponse& res) {
  const auto body = res.json();
  const auto* disk = body.as_object().if_contains("disk");
  return disk && disk->is_string() ? std::string(disk->as_string()) : "";
}

// An upload whose refusal may come before its body is sent: the server then
// closes the connection, and our write of the rest may fail. The answer is read all the same.
HttpResponse upload_tolerating_refusal(HttpClient& client, const SeededUser& user, const std::string& target,
                                       const std::vector<Part>& parts) {
  const std::string body = multipart_body(parts);
  std::string request = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : multipart_headers(user)) request += name + ": " + value + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  try {
    client.send_raw(request);
  } catch (const std::exception&) {
    // Refused early: the answer is waiting.
  }
  return client.read_response();
}

TEST(DiskFull, DeletesStillWorkOnAFullDiskAndFreeRoomForTheNextUpload) {
  SmallFilesystem small(64 * kMiB);
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << small.error() << "); needs root";
  FocusdServer server({.data_dir = small.path() / "data"});
  auto owner = server.seed_user();
  std::optional<HttpClient> client;  // replaced when a refusal closes its connection
  client.emplace(server.port());
  const std::string workspace = owner.workspace_path();
  Headers json = owner.basic();
  json.emplace_back("Content-Type", "application/json");
  const auto project = client->request("POST", workspace + "/projects", json, R"({"name":"Fill"})").json();
  const std::string attachments =
      workspace + "/projects/" + std::to_string(project.at("id").as_int64()) + "/attachments";

  // Uploads of 4 MiB, then of 256 KiB, until refused.
  std::vector<std::int64_t> uploaded;
  std::uint64_t uploaded_bytes = 0;
  HttpResponse refused;
  for (std::size_t size : {4 * kMiB, 256 * 1024ul}) {
    for (unsigned i = 0; i < 64; ++i) {
      HttpClient uploader = server.client();  // a refused upload closes its connection
      auto res = upload_tolerating_refusal(
          uploader, owner, attachments,
          {file_part("file", "f.bin", binary_bytes(size, static_cast<unsigned>(uploaded.size() + 1))),
           field("display_order", "1")});
      if (res.status != 201) {
        refused = res;
        break;
      }
      uploaded.push_back(res.json().at("id").as_int64());
      uploaded_bytes += size;
    }
  }
  ASSERT_EQ(refused.status, 507) << refused.body;
  EXPECT_EQ(refused.json().at("error").as_string(), "insufficient_storage");
  EXPECT_GE(uploaded_bytes, 56 * kMiB) << "uploads work until the filesystem is nearly full";
  std::printf("uploaded %llu MiB; %llu KiB left\n", static_cast<unsigned long long>(uploaded_bytes / kMiB),
              static_cast<unsigned long long>(small.free_bytes() / 1024));

  // Then, on SQLite (whose database shares the filesystem; PostgreSQL's
  // lives elsewhere), projects with 10 KB descriptions, until refused.
  std::vector<std::int64_t> projects;
  if (!on_postgres()) {
    const std::string description(9000, 'd');
    refused = {};
    for (int i = 0; i < 5000; ++i) {
      auto res = client->request("POST", workspace + "/projects", json,
                                 R"({"name":"P)" + std::to_string(i) + R"(","description":")" + description + "\"}");
      if (res.status != 201) {
        refused = res;
        break;
      }
      projects.push_back(res.json().at("id").as_int64());
    }
    ASSERT_EQ(refused.status, 507) << refused.body;
    ASSERT_FALSE(projects.empty());
    client.emplace(server.port());  // the refused create closed its connection
    EXPECT_EQ(disk_state(client->get(workspace + "/attachments/storage", owner.basic())), "full");
    EXPECT_EQ(disk_state(client->get("/readyz")), "full");
  }
  EXPECT_EQ(client->get(attachments, owner.basic()).status, 200) << "reads go on";

  // Deletes work, and free the space they held.
  for (int i = 0; i < 3; ++i) {
    auto res = client->request("DELETE", attachments + "/" + std::to_string(uploaded[i]), owner.basic());
    EXPECT_EQ(res.status, 204) << res.body;
  }
  for (std::size_t i = 0; i < std::min<std::size_t>(projects.size(), 20); ++i) {
    auto res = client->request("DELETE", workspace + "/projects/" + std::to_string(projects[i]), owner.basic());
    EXPECT_EQ(res.status, 204) << res.body;
  }
  auto next = upload(*client, owner, attachments,
                     {file_part("file", "next.bin", binary_bytes(4 * kMiB, 999)), field("display_order", "1")});
  EXPECT_EQ(next.status, 201) << next.body;
  EXPECT_EQ(server.admin({"fsck"}).exit_code, 0);
}

// The S3 pass only: with the attachments in S3, an upload needs no room on the
// data filesystem for its bytes, only for its row: a file larger than the
// whole filesystem is stored and read back.
TEST(DiskFull, WithBlobsInS3AnUploadNeedsNoRoomOnTheDataDisk) {
  if (!on_s3()) GTEST_SKIP() << "the S3 pass's";
  SmallFilesystem small(16 * kMiB);
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << small.error() << "); needs root";
  FocusdServer server({.data_dir = small.path() / "data"});
  ASSERT_FALSE(server.blobs().empty());
  auto owner = server.seed_user();
  HttpClient client = server.client();
  const std::string bytes = binary_bytes(24 * kMiB, 7);
  const std::string view = upload_for_view(client, owner, bytes);
  ASSERT_FALSE(view.empty());
  auto back = client.request("GET", view, owner.basic());
  EXPECT_EQ(back.status, 200);
  EXPECT_TRUE(back.body == bytes);
  EXPECT_EQ(disk_state(client.get("/readyz")), "ok");
}

}  // namespace
}  // namespace focusd::test
