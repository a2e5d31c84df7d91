// focusd admin fsck: the database and the blob files agree, or are made to.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "support.h"
#include "test_database.h"

namespace focusd::test {
namespace {

namespace fs = std::filesystem;

const std::string kDigest = "ab" + std::string(62, 'c');       // an orphan where blobs go
const std::string kOlderDigest = "cd" + std::string(62, 'e');  // one in earlier builds' layout

boost::json::object report(const ProcessResult& r) {
  return boost::json::parse(r.out).as_object();
}

TEST(Fsck, FindsAndRepairsOrphansAndTempFiles) {
  FocusdServer server({.start = false});
  server.seed_user();  // creates the database
  auto clean = server.admin({"fsck"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_TRUE(report(clean).at("consistent").as_bool());

  const fs::path orphan = server.data_dir() / "blobs" / "ab" / kDigest;
  const fs::path older_orphan = server.data_dir() / "blobs" / "cd" / "ee" / kOlderDigest;
  fs::create_directories(orphan.parent_path());
  std::ofstream(orphan) << "orphan";
  fs::create_directories(older_orphan.parent_path());
  std::ofstream(older_orphan) << "orphan";
  fs::create_directories(server.data_dir() / "tmp");
  std::ofstream(server.data_dir() / "tmp" / "upload-crashed") << "partial";

  auto found = server.admin({"fsck"});
  EXPECT_EQ(found.exit_code, 1);
  auto r = report(found);
  EXPECT_FALSE(r.at("consistent").as_bool());
  std::vector<std::string> orphans;
  for (const auto& digest : r.at("orphan_blobs").as_array()) orphans.emplace_back(digest.as_string());
  std::sort(orphans.begin(), orphans.end());
  EXPECT_EQ(orphans, (std::vector<std::string>{kDigest, kOlderDigest}));
  EXPECT_EQ(r.at("temp_files").as_int64(), 1);
  EXPECT_TRUE(fs::exists(server.data_dir() / "tmp" / "upload-crashed"));  // a check changes nothing

  auto repaired = server.admin({"fsck", "--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out;
  EXPECT_TRUE(report(repaired).at("consistent").as_bool());
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_FALSE(fs::exists(older_orphan));
  EXPECT_FALSE(fs::exists(server.data_dir() / "tmp" / "upload-crashed"));
  EXPECT_TRUE(report(server.admin({"fsck"})).at("consistent").as_bool());
}

TEST(Fsck, ReportsAttachmentsWhoseBytesAreMissing) {
  FocusdServer server({.start = false});
  auto user = server.seed_user();
  server.exec_sql(
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

// Nodes share a database: one repair at a time (a PostgreSQL advisory lock,
// held here by another session as a second node's fsck would), the other
// refused until it is let go. A check without repair needs no lock.
TEST(Fsck, OneRepairAtATimeOnASharedDatabase) {
  if (!on_postgres()) GTEST_SKIP() << "one machine's SQLite has no other node to wait for";
  constexpr std::int64_t kSweepLock = 0x666f637573640002;  // postgres_attachments.cpp
  FocusdServer server;
  auto other = postgres::Connection::open(server.database());
  auto take = [&] { return other->exec("SELECT pg_try_advisory_lock($1::bigint)", postgres::Params(kSweepLock)); };
  ASSERT_TRUE(take().boolean(0, 0));
  auto refused = server.admin({"fsck", "--repair"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.err.find("another focusd admin fsck --repair"), std::string::npos) << refused.err;
  EXPECT_EQ(server.admin({"fsck"}).exit_code, 0);
  other->exec("SELECT pg_advisory_unlock($1::bigint)", postgres::Params(kSweepLock));
  auto repaired = server.admin({"fsck", "--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_TRUE(take().boolean(0, 0)) << "the repair kept the lock after it ended";
}

}  // namespace
}  // namespace focusd::test
