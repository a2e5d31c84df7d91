// The S3 pass only (e2e.s3.*): an install whose attachment files are under
// --data moves them to S3 with `admin migrate-blobs` and runs on with
// --blobs; `admin fsck` finds orphans and missing blobs in the bucket and
// sweeps the orphans.
#include <gtest/gtest.h>

#include "attachments_support.h"
#include "test_store.h"

namespace focusd::test {
namespace {

namespace fs = std::filesystem;

boost::json::object report(const ProcessResult& r) {
  return boost::json::parse(r.out).as_object();
}

std::string bytes_of(std::size_t size, int seed) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 31 + seed + i / 7919) & 0xff);
  return bytes;
}

TEST(BlobsToS3, AnInstallMovesItsFilesToS3AndFsckWorksThere) {
  if (!on_s3()) GTEST_SKIP() << "the S3 pass's";
  const std::vector<std::string> contents = {bytes_of(1000, 1), bytes_of(12 << 20, 2), bytes_of(5000, 3)};
  std::vector<std::string> views;
  TempDir moved;
  {
    FocusdServer disk({.data_dir = moved.path() / "data", .disk_blobs = true});
    ASSERT_TRUE(disk.blobs().empty());
    auto owner = disk.seed_user();
    HttpClient client = disk.client();
    Headers json = owner.basic();
    json.emplace_back("Content-Type", "application/json");
    const std::string workspace = owner.workspace_path();
    auto project = client.request("POST", workspace + "/projects", json, R"({"name":"Moved"})");
    ASSERT_EQ(project.status, 201);
    const std::string attachments =
        workspace + "/projects/" + std::to_string(project.json().at("id").as_int64()) + "/attachments";
    auto attach = [&](const std::string& bytes) {
      auto created =
          upload(client, owner, attachments, {file_part("file", "f.bin", bytes), field("display_order", "1")});
      EXPECT_EQ(created.status, 201) << created.body;
      return created.status == 201 ? attachments + "/" + std::to_string(created.json().at("id").as_int64()) : "";
    };
    for (const auto& bytes : contents) views.push_back(attach(bytes) + "/view");
    // A deleted attachment's bytes are not live: they stay behind.
    ASSERT_EQ(client.request("DELETE", attach("deleted before the move"), owner.basic()).status, 204);
    disk.stop();

    const std::string to = "s3://focusd-e2e/" + s3test::fresh_prefix();
    const std::string endpoint = s3test::gateway_env().at("AWS_ENDPOINT_URL");
    auto first = disk.admin({"migrate-blobs", "--to", to, "--s3-endpoint", endpoint});
    ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
    EXPECT_EQ(report(first).at("blobs").as_int64(), 3);
    EXPECT_EQ(report(first).at("copied").as_int64(), 3);
    EXPECT_TRUE(report(first).at("complete").as_bool());
    auto again = disk.admin({"migrate-blobs", "--to", to, "--s3-endpoint", endpoint});  // resumes: nothing left
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(report(again).at("copied").as_int64(), 0);
    EXPECT_EQ(report(again).at("already_there").as_int64(), 3);
    auto refused = disk.admin({"migrate-blobs", "--to", "file:///tmp/x"});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("s3://"), std::string::npos) << refused.err;

    // The same install on S3: every view reads its bytes from the bucket.
    FocusdServer s3({.data_dir = moved.path() / "data", .blobs = to});
    fs::remove_all(moved.path() / "data" / "blobs");  // nothing is read from disk any more
    HttpClient on_s3 = s3.client();
    for (std::size_t i = 0; i < views.size(); ++i) {
      auto view = on_s3.request("GET", views[i], owner.basic());
      EXPECT_EQ(view.status, 200);
      EXPECT_TRUE(view.body == contents[i]) << "view " << i;
    }
    auto clean = s3.admin({"fsck"});
    EXPECT_EQ(clean.exit_code, 0) << clean.out;
    EXPECT_EQ(report(clean).at("blobs").as_int64(), 3);

    // A delete leaves the bytes to the sweep: fsck finds the orphan, --repair sweeps it.
    ASSERT_EQ(on_s3.request("DELETE", views[2].substr(0, views[2].size() - 5), owner.basic()).status, 204);
    auto orphaned = s3.admin({"fsck"});
    EXPECT_EQ(orphaned.exit_code, 1) << orphaned.out;
    EXPECT_EQ(report(orphaned).at("orphan_blobs"), (boost::json::array{sha256_hex(contents[2])}));
    auto repaired = s3.admin({"fsck", "--repair"});
    EXPECT_EQ(repaired.exit_code, 0) << repaired.out;
    EXPECT_EQ(report(s3.admin({"fsck"})).at("blobs").as_int64(), 2);
    EXPECT_EQ(on_s3.request("GET", views[0], owner.basic()).body, contents[0]);  // the others are untouched

    // A row whose blob is not in the bucket is reported missing.
    const std::string absent = std::string(64, 'e');
    s3.exec_sql("UPDATE attachments SET sha256 = '" + absent + "' WHERE id = 1");
    auto missing = s3.admin({"fsck", "--repair"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_EQ(report(missing).at("missing_blobs"), (boost::json::array{absent}));
  }
}

}  // namespace
}  // namespace focusd::test
