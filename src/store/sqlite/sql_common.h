#pragma once
// SQL pieces shared by the project and task queries.

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/time.h"
#include "store/records.h"
#include "store/sqlite/connection.h"

namespace focusd::sqlite {

// A JSON array of ids, bound as one parameter and read with json_each().
inline std::string json_ids(const std::vector<std::int64_t>& ids) {
  boost::json::array array;
  for (auto id : ids) array.push_back(id);
  return boost::json::serialize(array);
}

// The viewer's role per project (direct or through a group; manager wins) as
// the CTE `my_roles(project_id, rank)`: rank 2 = manager, 1 = member. ?1 = user.
inline constexpr const char* kMyRoles =
    "WITH my_roles(project_id, rank) AS ("
    " SELECT project_id, MAX(rank) FROM ("
    "  SELECT project_id, CASE role WHEN 'manager' THEN 2 ELSE 1 END AS rank FROM project_users WHERE user_id = ?1"
    "  UNION ALL"
    "  SELECT pg.project_id, CASE pg.role WHEN 'manager' THEN 2 ELSE 1 END FROM project_groups pg"
    "  JOIN group_users gu ON gu.group_id = pg.group_id WHERE gu.user_id = ?1)"
    " GROUP BY project_id) ";

// The tables that link projects and tasks to their tags and pins.
struct LinkTables {
  const char* owner_column;  // "project_id" | "task_id"
  const char* tags_table;    // "project_tags" | "task_tags"
  const char* pins_table;    // "project_pins" | "task_pins"
};
inline constexpr LinkTables kProjectLinks{"project_id", "project_tags", "project_pins"};
inline constexpr LinkTables kTaskLinks{"task_id", "task_tags", "task_pins"};

// Fills `tags` and `fields.tag_ids` of the rows with their live tags.
template <class Record>
void attach_tags(Connection& db, const LinkTables& links, std::vector<Record>& rows) {
  if (rows.empty()) return;
  std::unordered_map<std::int64_t, Record*> by_id;
  std::vector<std::int64_t> ids;
  for (auto& row : rows) {
    row.tags.clear();
    row.fields.tag_ids.clear();
    by_id[row.id] = &row;
    ids.push_back(row.id);
  }
  auto stmt = db.prepare(std::string("SELECT l.") + links.owner_column +
                         ", t.id, t.workspace_id, t.name, t.color, t.creator_id, t.created_at, t.updated_at FROM " +
                         links.tags_table + " l JOIN tags t ON t.id = l.tag_id AND t.deleted_at IS NULL WHERE l." +
                         links.owner_column + " IN (SELECT value FROM json_each(?1)) ORDER BY t.id");
  stmt.bind_all(json_ids(ids));
  while (stmt.step()) {
    Record* row = by_id[stmt.int64(0)];
    row->tags.push_back(CatalogItem{stmt.int64(1), stmt.int64(2), stmt.text(3), stmt.optional_text(4), stmt.int64(5),
                                    stmt.text(6), stmt.text(7), std::nullopt});
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

}  // namespace focusd::sqlite
