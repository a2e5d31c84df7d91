// The least SQL that can answer bench/run's list page, for bench/run: on
// focusd's database file, page PAGE of 50 of workspace 1's live, active
// projects whose names hold NAME (ASCII letters folded), by name and then id,
// with the total. It does only what no server on this schema can skip: the
// trigram index's candidates (and the projects above its watermark), each
// candidate's row read for its workspace, state and name, the total counted
// and the page sorted, then the page's rows read with what a project in the
// response holds besides its own columns (client name, pin, role, task
// estimates, tracked time, tags), in one read transaction. No visibility
// rules (the viewer owns the workspace), JSON or HTTP. THREADS threads, each with its own connection
// (focusd's pragmas, mmap and one plan per statement: sqlite::Connection). Prints one JSON object.
//
//   sqlite-lists DB_PATH THREADS MAX_SECONDS NAME PAGE
#include <cstdio>
#include <memory>
#include <string>

#include "list_rate.h"
#include "store/sqlite/connection.h"

namespace {

// Trigrams covering the name end to end without overlap, and the last one,
// joined by AND: what focusd asks the index (names here are plain ASCII).
std::string trigrams(const std::string& name) {
  std::string query;
  const std::size_t last = name.size() - 3;
  for (std::size_t i = 0;; i = std::min(i + 3, last)) {
    if (!query.empty()) query += " AND ";
    query += '"' + name.substr(i, 3) + '"';
    if (i == last) break;
  }
  return query;
}

constexpr const char* kPage =
    "WITH m AS MATERIALIZED (SELECT p.id AS id, p.name COLLATE NOCASE AS k0 FROM (SELECT rowid AS id"
    " FROM projects_name_index WHERE projects_name_index MATCH ?1 UNION ALL SELECT id FROM projects"
    " WHERE id > (SELECT up_to FROM projects_name_indexed)) f CROSS JOIN projects p ON p.id = f.id"
    " WHERE p.workspace_id = 1 AND p.deleted_at IS NULL AND p.active = 1 AND p.name LIKE ?2)"
    " SELECT id, (SELECT COUNT(*) FROM m) FROM m ORDER BY k0, id LIMIT 50 OFFSET ?3";
constexpr const char* kRows =
    "SELECT p.*, c.name, EXISTS (SELECT 1 FROM project_pins WHERE project_id = p.id AND user_id = 1),"
    " (SELECT role FROM project_users WHERE project_id = p.id AND user_id = 1),"
    " (SELECT COALESCE(SUM(estimated_mins), 0) FROM tasks WHERE project_id = p.id AND deleted_at IS NULL),"
    " (SELECT COALESCE(SUM(seconds), 0) FROM time_entries WHERE project_id = p.id AND deleted_at IS NULL)"
    " FROM projects p LEFT JOIN clients c ON c.id = p.client_id WHERE p.id IN (SELECT value FROM json_each(?1))"
    " ORDER BY p.name COLLATE NOCASE, p.id";
constexpr const char* kTags =
    "SELECT pt.project_id, t.id FROM project_tags pt JOIN tags t ON t.id = pt.tag_id"
    " WHERE pt.project_id IN (SELECT value FROM json_each(?1)) AND t.deleted_at IS NULL";

}  // namespace

int main(int argc, char** argv) {
  using namespace focusd::sqlite;
  if (argc < 6) {
    std::fprintf(stderr, "usage: sqlite-lists DB_PATH THREADS MAX_SECONDS NAME PAGE\n");
    return 2;
  }
  const std::string path = argv[1];
  const int threads = std::stoi(argv[2]);
  const double max_seconds = std::stod(argv[3]);
  const std::string name = argv[4];
  const long offset = (std::stol(argv[5]) - 1) * 50;
  if (name.size() < 3 || name.find_first_of("%_\\\"") != std::string::npos) {
    std::fprintf(stderr, "sqlite-lists: NAME must be 3 or more plain characters\n");
    return 2;
  }

  return measure_lists("sqlite-lists", threads, max_seconds, [&] {
    auto db = Connection::open(path, OpenOptions{.read_only = true, .mmap_bytes = 256 << 20});
    return [&, db = std::move(db)]() -> std::optional<std::int64_t> {
      db->prepare("BEGIN").run();
      auto page = db->prepare(kPage);
      page.bind_all(trigrams(name), "%" + name + "%", offset);
      std::string ids = "[";
      std::int64_t count = 0;
      while (page.step()) {
        ids += (ids.size() > 1 ? "," : "") + std::to_string(page.int64(0));
        count = page.int64(1);
      }
      auto rows = db->prepare(kRows);
      rows.bind_all(ids + "]");
      int read_rows = 0;
      while (rows.step()) ++read_rows;
      auto tags = db->prepare(kTags);
      tags.bind_all(ids + "]");
      while (tags.step()) {
      }
      db->prepare("COMMIT").run();
      return read_rows == 50 ? std::optional<std::int64_t>(count) : std::nullopt;
    };
  });
}
