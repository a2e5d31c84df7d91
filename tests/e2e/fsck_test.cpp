// focusd admin fsck: the database and the blob files agree, or are made to.
#include <gtest/gtest.h>

#include <fstream>

#include "support.h"

namespace focusd::test {
namespace {

namespace fs = std::filesystem;

const std::string kDigest = "ab" + std::string(62, 'c');

boost::json::object report(const ProcessResult& r) {
  return boost::json::parse(r.out).as_object();
}

TEST(Fsck, FindsAndRepairsOrphansAndTempFiles) {
  FocusdServer server({.start = false});
  server.seed_user();  // creates the database
  auto clean = server.admin({"fsck"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_TRUE(report(clean).at("consistent").as_bool());

  fs::create_directories(server.data_dir() / "blobs" / "ab" / "cc");
  std::ofstream(server.data_dir() / "blobs" / "ab" / "cc" / kDigest) << "orphan";
  fs::create_directories(server.data_dir() / "tmp");
  std::ofstream(server.data_dir() / "tmp" / "upload-crashed") << "partial";

  auto found = server.admin({"fsck"});
  EXPECT_EQ(found.exit_code, 1);
  auto r = report(found);
  EXPECT_FALSE(r.at("consistent").as_bool());
  EXPECT_EQ(r.at("orphan_blobs"), (boost::json::array{kDigest}));
  EXPECT_EQ(r.at("temp_files").as_int64(), 1);
  EXPECT_TRUE(fs::exists(server.data_dir() / "tmp" / "upload-crashed"));  // a check changes nothing

  auto repaired = server.admin({"fsck", "--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out;
  EXPECT_TRUE(report(repaired).at("consistent").as_bool());
  EXPECT_FALSE(fs::exists(server.data_dir() / "blobs" / "ab" / "cc" / kDigest));
  EXPECT_FALSE(fs::exists(server.data_dir() / "tmp" / "upload-crashed"));
  EXPECT_TRUE(report(server.admin({"fsck"})).at("consistent").as_bool());
}

TEST(Fsck, ReportsAttachmentsWhoseBytesAreMissing) {
  FocusdServer server({.start = false});
  auto user = server.seed_user();
  exec_sql(server.database_path(),
           "INSERT INTO attachments (parent_kind, parent_id, workspace_id, name, mime_type, size, sha256, "
           "display_order, created_at, updated_at) VALUES ('project', 1, " +
               std::to_string(user.workspace_id) + ", 'a.txt', 'text/plain', 3, '" + kDigest +
               "', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
  auto result = server.admin({"fsck", "--repair"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(report(result).at("missing_blobs"), (boost::json::array{kDigest}));
}

TEST(Fsck, TheServerSweepsUnfinishedUploadsAtStart) {
  FocusdServer server({.start = false});
  fs::create_directories(server.data_dir() / "tmp");
  std::ofstream(server.data_dir() / "tmp" / "upload-crashed") << "partial";
  server.start();
  EXPECT_FALSE(fs::exists(server.data_dir() / "tmp" / "upload-crashed"));
  EXPECT_NE(server.log().find("removed unfinished uploads"), std::string::npos);
}

}  // namespace
}  // namespace focusd::test
