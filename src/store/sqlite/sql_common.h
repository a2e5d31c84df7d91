#pragma once
// SQL pieces shared by the project and task queries.

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/time.h"
#include "store/records.h"
#include "store/sql_shared.h"
#include "store/sqlite/connection.h"

namespace focusd::sqlite {

// A JSON array of ids, bound as one parameter and read with json_each().
inline std::string json_ids(const std::vector<std::int64_t>& ids) {
  boost::json::array array;
  for (auto id : ids) array.push_back(id);
  return boost::json::serialize(array);
}

// my_rank() with the viewer in ?1.
inline std::string my_rank(std::string_view project_id) {
  return sql::my_rank(project_id, "?1");
}

using sql::kProjectLinks;
using sql::kTaskLinks;
using sql::LinkTables;
using sql::role_of_rank;

// The live tags of the owners in json_each(?1), or of the one owner ?1
// (`one`): (owner, tag columns), by tag id.
inline const std::string& tags_query(const LinkTables& links, bool one) {
  auto build = [](const LinkTables& l, bool single) {
    return std::string("SELECT l.") + l.owner_column + ", " + std::string(sql::kLinkedTagColumns) + " FROM " +
           l.tags_table + " l JOIN tags t ON t.id = l.tag_id AND t.deleted_at IS NULL WHERE l." + l.owner_column +
           (single ? " = ?1" : " IN (SELECT value FROM json_each(?1))") + " ORDER BY t.id";
  };
  static const std::string kQueries[2][2] = {{build(kProjectLinks, false), build(kProjectLinks, true)},
                                             {build(kTaskLinks, false), build(kTaskLinks, true)}};
  return kQueries[std::string_view(links.tags_table) == kProjectLinks.tags_table ? 0 : 1][one ? 1 : 0];
}

// Fills `tags` and `fields.tag_ids` of the rows with their live tags.
template <class Record>
void attach_tags(Connection& db, const LinkTables& links, std::vector<Record>& rows) {
  if (rows.empty()) return;
  Record* only = rows.size() == 1 ? &rows.front() : nullptr;  // one row (a GET) needs no map nor json_each
  std::unordered_map<std::int64_t, Record*> by_id;
  std::vector<std::int64_t> ids;
  for (auto& row : rows) {
    row.tags.clear();
    row.fields.tag_ids.clear();
    if (!only) {
      by_id[row.id] = &row;
      ids.push_back(row.id);
    }
  }
  auto stmt = db.prepare(tags_query(links, only != nullptr));
  if (only) {
    stmt.bind_all(only->id);
  } else {
    stmt.bind_all(json_ids(ids));
  }
  while (stmt.step()) {
    Record* row = only ? only : by_id[stmt.int64(0)];
    row->tags.push_back(CatalogItem{stmt.int64(1), stmt.int64(2), stmt.text(3), stmt.optional_text(4), stmt.int64(5),
                                    stmt.text_view(6), stmt.text_view(7), std::nullopt});
    row->fields.tag_ids.push_back(stmt.int64(1));
  }
}

// Replaces the row's tags.
inline void write_tags(Connection& db, const LinkTables& links, std::int64_t id,
                       const std::vector<std::int64_t>& tag_ids) {
  db.prepare(std::string("DELETE FROM ") + links.tags_table + " WHERE " + links.owner_column + " = ?1")
      .bind_all(id)
      .run();
  for (auto tag_id : tag_ids) {
    db.prepare(std::string("INSERT OR IGNORE INTO ") + links.tags_table + " (" + links.owner_column +
               ", tag_id) VALUES (?1, ?2)")
        .bind_all(id, tag_id)
        .run();
  }
}

// Pins or unpins the row for one user.
inline void write_pin(Connection& db, const LinkTables& links, std::int64_t id, std::int64_t user_id, bool pinned) {
  if (pinned) {
    db.prepare(std::string("INSERT OR IGNORE INTO ") + links.pins_table + " (" + links.owner_column +
               ", user_id, created_at) VALUES (?1, ?2, ?3)")
        .bind_all(id, user_id, now_rfc3339())
        .run();
  } else {
    db.prepare(std::string("DELETE FROM ") + links.pins_table + " WHERE " + links.owner_column +
               " = ?1 AND user_id = ?2")
        .bind_all(id, user_id)
        .run();
  }
}

// Is the project a live one of the workspace that the viewer can see?
bool project_visible(Connection& db, std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer);
// The task, when it is a live one of the workspace that the viewer can see.
std::optional<TaskRecord> visible_task(Connection& db, std::int64_t workspace_id, std::int64_t task_id,
                                       const Viewer& viewer);

// Indexes the names of the projects above the watermark (migration 11's
// projects_name_indexed) when there are at least `at_least` of them (by id),
// and moves the watermark up: before a write group commits, and with 1 when
// the store opens. Until then a name search reads them beside the index.
inline void index_new_names(Connection& db, std::int64_t at_least) {
  std::int64_t up_to = 0;
  std::int64_t newest = 0;
  {
    auto range = db.prepare("SELECT up_to, (SELECT coalesce(max(id), 0) FROM projects) FROM projects_name_indexed");
    if (!range.step()) return;
    up_to = range.int64(0);
    newest = range.int64(1);
  }
  if (newest - up_to < at_least) return;
  db.prepare("INSERT INTO projects_name_index(rowid, name) SELECT id, name FROM projects WHERE id > ?1 AND id <= ?2")
      .bind_all(up_to, newest)
      .run();
  db.prepare("UPDATE projects_name_indexed SET up_to = ?1").bind_all(newest).run();
}

}  // namespace focusd::sqlite
