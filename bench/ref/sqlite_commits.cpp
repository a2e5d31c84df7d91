// The durable-write reference for bench/run: serial single-row INSERT
// transactions on SQLite through focusd's own connection code (so its own
// pragmas: WAL, synchronous=FULL, foreign keys), one commit per row, for a
// bounded count and time. Prints one JSON object.
//
//   sqlite-commits DB_PATH [MAX_SECONDS] [MAX_COMMITS]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "store/sqlite/connection.h"

int main(int argc, char** argv) {
  using namespace focusd::sqlite;
  if (argc < 2) {
    std::fprintf(stderr, "usage: sqlite-commits DB_PATH [MAX_SECONDS] [MAX_COMMITS]\n");
    return 2;
  }
  const std::string path = argv[1];
  const double max_seconds = argc > 2 ? std::stod(argv[2]) : 5.0;
  const long max_commits = argc > 3 ? std::stol(argv[3]) : 1'000'000;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);

  try {
    auto db = Connection::open(path, OpenOptions{.synchronous = "full"});
    db->exec(
        "CREATE TABLE projects (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id INTEGER NOT NULL,"
        " name TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)");
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    long commits = 0;
    while (commits < max_commits && elapsed < max_seconds) {
      Transaction tx(*db);
      db->prepare("INSERT INTO projects (workspace_id, name, created_at, updated_at) VALUES (1, ?1, ?2, ?2)")
          .bind_all("Reference project " + std::to_string(commits), "2026-11-23T00:00:00Z")
          .run();
      tx.commit();
      ++commits;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    std::printf("{\"commits\": %ld, \"seconds\": %.6f, \"commits_per_s\": %.1f}\n", commits, elapsed,
                commits / elapsed);
  } catch (const SqliteError& e) {
    std::fprintf(stderr, "sqlite-commits: %s\n", e.what());
    return 1;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return 0;
}
