// focusd admin backup / restore: a copy of the embedded install (SQLite and
// files) taken while it is written to, brought back as a new data directory.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "attachments_support.h"
#include "support.h"

namespace focusd::test {
namespace {

using Clock = std::chrono::steady_clock;

struct Acked {
  std::int64_t id;
  std::string what;  // a project's name, an attachment's SHA-256
  Clock::time_point at;
};

ProcessResult focusd_admin(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {FOCUSD_BINARY, "admin"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

// Projects and attachments are created while the backup runs; every one
// acknowledged before it began is in the restored copy, bytes and all, and
// the copy is consistent (fsck).
TEST(Backup, TakenUnderWriteLoadRestoresEveryWriteAcknowledgedBeforeIt) {
  // The embedded install, on every pass: that is what the command is for.
  FocusdServer server({.sqlite = true, .disk_blobs = true});
  auto owner = server.seed_user();
  const std::string workspace = owner.workspace_path();
  Headers json = owner.basic();
  json.emplace_back("Content-Type", "application/json");
  auto holder = server.client().request("POST", workspace + "/projects", json, R"({"name":"Files"})");
  ASSERT_EQ(holder.status, 201);
  const std::string attachments =
      workspace + "/projects/" + std::to_string(holder.json().at("id").as_int64()) + "/attachments";

  std::mutex mutex;
  std::vector<Acked> projects;
  std::vector<Acked> files;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      auto client = server.client();
      for (int i = 0; !stop; ++i) {
        const std::string name = "p-" + std::to_string(w) + "-" + std::to_string(i);
        auto made = client.request("POST", workspace + "/projects", json, R"({"name":")" + name + R"("})");
        if (made.status == 201) {
          std::lock_guard lock(mutex);
          projects.push_back({made.json().at("id").as_int64(), name, Clock::now()});
        }
        const std::string bytes =
            binary_bytes(1000 + static_cast<std::size_t>(i % 7) * 20000, static_cast<unsigned>(w * 100000 + i));
        auto uploaded =
            upload(client, owner, attachments, {file_part("file", "f.bin", bytes), field("display_order", "1")});
        if (uploaded.status != 201) continue;
        const std::int64_t id = uploaded.json().at("id").as_int64();
        // Some go again: the backup must keep no blob that no attachment uses.
        if (i % 3 == 0) {
          client.request("DELETE", attachments + "/" + std::to_string(id), owner.basic());
          continue;
        }
        std::lock_guard lock(mutex);
        files.push_back({id, sha256_hex(bytes), Clock::now()});
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  TempDir dir;
  const auto backup_dir = dir.path() / "backup";
  const auto began = Clock::now();
  auto backed_up = server.admin({"backup", "--to", backup_dir.string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (auto& w : writers) w.join();
  ASSERT_EQ(backed_up.exit_code, 0) << backed_up.err;
  const auto report = boost::json::parse(backed_up.out);
  EXPECT_GT(report.at("blobs").as_int64(), 0) << backed_up.out;

  const auto restored_dir = dir.path() / "restored";
  auto restored = focusd_admin({"restore", "--from", backup_dir.string(), "--data", restored_dir.string()});
  ASSERT_EQ(restored.exit_code, 0) << restored.out << restored.err;
  EXPECT_TRUE(boost::json::parse(restored.out).at("fsck").at("consistent").as_bool()) << restored.out;

  FocusdServer copy({.data_dir = restored_dir, .sqlite = true, .disk_blobs = true});
  auto fsck = copy.admin({"fsck"});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.out << fsck.err;
  auto client = copy.client();
  std::size_t checked_projects = 0;
  std::size_t checked_files = 0;
  for (const auto& project : projects) {
    if (project.at >= began) continue;
    auto res = client.get(workspace + "/projects/" + std::to_string(project.id), owner.basic());
    EXPECT_EQ(res.status, 200) << "project " << project.id;
    if (res.status == 200) {
      EXPECT_EQ(res.json().at("name").as_string(), project.what);
    }
    ++checked_projects;
  }
  for (const auto& file : files) {
    if (file.at >= began) continue;
    auto res = client.get(attachments + "/" + std::to_string(file.id) + "/view", owner.basic());
    EXPECT_EQ(res.status, 200) << "attachment " << file.id;
    EXPECT_EQ(sha256_hex(res.body), file.what) << "attachment " << file.id;
    ++checked_files;
  }
  std::printf("backup: %s; checked %zu projects and %zu attachments acknowledged before it\n", backed_up.out.c_str(),
              checked_projects, checked_files);
  EXPECT_GT(checked_projects, 0u);
  EXPECT_GT(checked_files, 0u);
}

TEST(Backup, WantsAnEmptyTargetAndRestoreWantsABackup) {
  FocusdServer server({.sqlite = true, .disk_blobs = true});
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "full");
  std::ofstream(dir.path() / "full" / "something") << "x";
  auto refused = server.admin({"backup", "--to", (dir.path() / "full").string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("not an empty directory"), std::string::npos) << refused.err;

  auto nothing =
      focusd_admin({"restore", "--from", (dir.path() / "full").string(), "--data", (dir.path() / "restored").string()});
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.err.find("holds no backup"), std::string::npos) << nothing.err;
}

// With PostgreSQL or S3 the command says what to use instead, before it
// connects to anything.
TEST(Backup, OnPostgresOrS3ItNamesTheToolsToUseInstead) {
  TempDir dir;
  auto on_postgres = focusd_admin(
      {"backup", "--database", "postgresql://focusd@127.0.0.1:1/none", "--to", (dir.path() / "a").string()});
  EXPECT_EQ(on_postgres.exit_code, 2);
  EXPECT_NE(on_postgres.err.find("pg_dump"), std::string::npos) << on_postgres.err;
  auto on_s3 = focusd_admin({"backup", "--data", (dir.path() / "data").string(), "--blobs", "s3://bucket", "--to",
                             (dir.path() / "b").string()});
  EXPECT_EQ(on_s3.exit_code, 2);
  EXPECT_NE(on_s3.err.find("versioning"), std::string::npos) << on_s3.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "a"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "b"));
}

}  // namespace
}  // namespace focusd::test
