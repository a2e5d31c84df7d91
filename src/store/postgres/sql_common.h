#pragma once
// SQL pieces shared by the PostgreSQL project, task and time entry queries
// (as sqlite/sql_common.h is for SQLite's).

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/time.h"
#include "store/postgres/connection.h"
#include "store/records.h"
#include "store/sql_shared.h"

namespace focusd::postgres {

// An array parameter, "{1,2,3}", read as $n::bigint[].
inline std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string text = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) text += (i ? "," : "") + std::to_string(ids[i]);
  return text + "}";
}

// sql::my_rank() with the viewer in $1.
inline std::string my_rank(std::string_view project_id) {
  return sql::my_rank(project_id, "$1");
}

// A tag as read by the columns sql::kLinkedTagColumns, starting at `column`.
inline CatalogItem read_linked_tag(const Rows& rows, int row, int column) {
  return CatalogItem{rows.int64(row, column),
                     rows.int64(row, column + 1),
                     std::string(rows.text(row, column + 2)),
                     rows.optional_text(row, column + 3),
                     rows.int64(row, column + 4),
                     std::string(rows.text(row, column + 5)),
                     std::string(rows.text(row, column + 6)),
                     std::nullopt};
}

// Fills `tags` and `fields.tag_ids` of the rows with their live tags.
template <class Record>
void attach_tags(Connection& db, const sql::LinkTables& links, std::vector<Record>& rows) {
  if (rows.empty()) return;
  std::unordered_map<std::int64_t, Record*> by_id;
  std::vector<std::int64_t> ids;
  for (auto& row : rows) {
    row.tags.clear();
    row.fields.tag_ids.clear();
    by_id[row.id] = &row;
    ids.push_back(row.id);
  }
  Rows tags = db.exec(std::string("SELECT l.") + links.owner_column + ", " + std::string(sql::kLinkedTagColumns) +
                          " FROM " + links.tags_table + " l JOIN tags t ON t.id = l.tag_id AND t.deleted_at IS NULL" +
                          " WHERE l." + links.owner_column + " = ANY($1::bigint[]) ORDER BY t.id",
                      Params(id_array(ids)));
  for (int i = 0; i < tags.size(); ++i) {
    Record* row = by_id[tags.int64(i, 0)];
    row->tags.push_back(read_linked_tag(tags, i, 1));
    row->fields.tag_ids.push_back(row->tags.back().id);
  }
}

// The live tags of a project or task (`owner_id`, the SQL expression of its
// id) as one JSON column, read with read_tags_json(): an array of
// [id, workspace_id, name, color, creator_id, created_at, updated_at] by id,
// NULL for none. The row and its tags in one statement: one round trip.
inline std::string tags_json(const sql::LinkTables& links, std::string_view owner_id) {
  return std::string(
             "(SELECT json_agg(json_build_array(tag.id, tag.workspace_id, tag.name, tag.color, tag.creator_id,"
             " tag.created_at, tag.updated_at) ORDER BY tag.id) FROM ") +
         links.tags_table + " link JOIN tags tag ON tag.id = link.tag_id AND tag.deleted_at IS NULL WHERE link." +
         links.owner_column + " = " + std::string(owner_id) + ")";
}

// Fills the record's `tags` and `fields.tag_ids` from a tags_json() column.
template <class Record>
void read_tags_json(const Rows& rows, int row, int column, Record& record) {
  record.tags.clear();
  record.fields.tag_ids.clear();
  if (rows.is_null(row, column)) return;
  const boost::json::value tags = boost::json::parse(rows.text(row, column));
  for (const auto& tag : tags.as_array()) {
    const auto& t = tag.as_array();
    record.tags.push_back(CatalogItem{
        t.at(0).to_number<std::int64_t>(), t.at(1).to_number<std::int64_t>(), std::string(t.at(2).as_string()),
        t.at(3).is_null() ? std::nullopt : std::optional<std::string>(std::string(t.at(3).as_string())),
        t.at(4).to_number<std::int64_t>(), std::string(t.at(5).as_string()), std::string(t.at(6).as_string()),
        std::nullopt});
    record.fields.tag_ids.push_back(record.tags.back().id);
  }
}

// Replaces the row's tags.
inline void write_tags(Connection& db, const sql::LinkTables& links, std::int64_t id,
                       const std::vector<std::int64_t>& tag_ids) {
  db.exec(std::string("DELETE FROM ") + links.tags_table + " WHERE " + links.owner_column + " = $1", Params(id));
  if (tag_ids.empty()) return;
  db.exec(std::string("INSERT INTO ") + links.tags_table + " (" + links.owner_column +
              ", tag_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
          Params(id, id_array(tag_ids)));
}

// Pins or unpins the row for one user.
inline void write_pin(Connection& db, const sql::LinkTables& links, std::int64_t id, std::int64_t user_id,
                      bool pinned) {
  if (pinned) {
    db.exec(std::string("INSERT INTO ") + links.pins_table + " (" + links.owner_column +
                ", user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            Params(id, user_id, now_rfc3339()));
  } else {
    db.exec(std::string("DELETE FROM ") + links.pins_table + " WHERE " + links.owner_column + " = $1 AND user_id = $2",
            Params(id, user_id));
  }
}

// The first of `ids` that is not a live tag of the workspace, if any.
inline std::optional<std::int64_t> missing_tag(Connection& db, std::int64_t workspace_id,
                                               const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return std::nullopt;
  Rows rows = db.exec(
      "SELECT wanted.id FROM unnest($1::bigint[]) WITH ORDINALITY AS wanted(id, n) WHERE NOT EXISTS"
      " (SELECT 1 FROM tags t WHERE t.id = wanted.id AND t.workspace_id = $2 AND t.deleted_at IS NULL)"
      " ORDER BY wanted.n LIMIT 1",
      Params(id_array(ids), workspace_id));
  if (rows.empty()) return std::nullopt;
  return rows.int64(0, 0);
}

// Locks the workspace's row until the transaction ends, so that the writes
// that must see each other in one workspace run one after another: changes
// to its project tree, uploads counted against its quota. (FOR NO KEY UPDATE
// leaves inserts that reference the workspace free.)
inline void lock_workspace(Connection& db, std::int64_t workspace_id) {
  db.exec("SELECT 1 FROM workspaces WHERE id = $1 FOR NO KEY UPDATE", Params(workspace_id));
}

// Is the project a live one of the workspace that the viewer can see?
bool project_visible(Connection& db, std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer);
// The task, when it is a live one of the workspace that the viewer can see.
std::optional<TaskRecord> visible_task(Connection& db, std::int64_t workspace_id, std::int64_t task_id,
                                       const Viewer& viewer);

}  // namespace focusd::postgres
