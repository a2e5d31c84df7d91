// Tasks: visibility through their project, references, archive and delete.
#include <algorithm>
#include <unordered_map>

#include "common/time.h"
#include "store/sql_order.h"
#include "store/sqlite/sql_common.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {

using sqlite::Connection;
using sqlite::json_ids;
using sqlite::my_rank;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

// Whether the viewer (?1; ?2 = sees all) sees task `t` of project `p` (aliases).
std::string task_visible(const std::string& t, const std::string& p) {
  return "(" + t + ".project_id IS NULL OR " + p + ".deleted_at IS NULL) AND (?2 OR ((" + t + ".private = 0 OR " + t +
         ".creator_id = ?1) AND CASE WHEN " + t + ".project_id IS NULL THEN " + t + ".creator_id = ?1 ELSE (" + p +
         ".private = 0 OR " + my_rank(t + ".project_id") + " IS NOT NULL) END))";
}

const std::string kTaskVisible = task_visible("t", "p");

// Whether task `t` has a parent `vp` the viewer sees (for which `also` holds
// too): a hidden parent is none, for the filters as in the answer.
std::string parent_visible(const std::string& also = "") {
  return "EXISTS (SELECT 1 FROM tasks vp LEFT JOIN projects vpp ON vpp.id = vp.project_id"
         " WHERE vp.id = t.parent_task_id AND " +
         task_visible("vp", "vpp") + also + ")";
}

// Over `tasks t LEFT JOIN projects p LEFT JOIN tasks pt LEFT JOIN projects
// ptp` (the parent task and its project); ?1 = viewer, ?2 = viewer sees all.
const std::string kTaskColumns =
    std::string(
        "SELECT t.id, t.workspace_id, t.name, t.project_id, p.name, t.parent_task_id, pt.name, t.description,"
        " t.estimated_mins, t.start_date, t.end_date, t.priority, t.private, t.billable, t.position, t.creator_id,"
        " t.created_at, t.updated_at, t.archived_at, t.deleted_at,"
        " EXISTS (SELECT 1 FROM task_pins tp WHERE tp.task_id = t.id AND tp.user_id = ?1) AS pinned,"
        " (SELECT COUNT(*) FROM tasks s LEFT JOIN projects sp ON sp.id = s.project_id"
        "  WHERE s.parent_task_id = t.id AND s.deleted_at IS NULL AND ") +
    task_visible("s", "sp") + "), COALESCE(" + my_rank("t.project_id") +
    ", 0), COALESCE(p.private, 0),"
    " (SELECT COALESCE(SUM(e.seconds), 0) FROM time_entries e"
    "  WHERE e.task_id = t.id AND e.deleted_at IS NULL AND e.seconds IS NOT NULL),"
    " (SELECT COUNT(*) FROM time_entries e WHERE e.task_id = t.id AND e.deleted_at IS NULL AND e.seconds IS NOT NULL),"
    " pt.id IS NOT NULL AND NOT (" +
    task_visible("pt", "ptp") +
    ")"
    " FROM tasks t LEFT JOIN projects p ON p.id = t.project_id LEFT JOIN tasks pt ON pt.id = t.parent_task_id"
    " LEFT JOIN projects ptp ON ptp.id = pt.project_id ";

// What the list's total counts over: only the columns its filters name
// (`pinned`), not the aggregates, which would be computed for every match.
const std::string kCountedTasks =
    "SELECT EXISTS (SELECT 1 FROM task_pins tp WHERE tp.task_id = t.id AND tp.user_id = ?1) AS pinned"
    " FROM tasks t LEFT JOIN projects p ON p.id = t.project_id ";

TaskRecord read_task(const Statement& s) {
  TaskRecord t;
  t.id = s.int64(0);
  t.workspace_id = s.int64(1);
  t.fields.name = s.text(2);
  t.fields.project_id = s.optional_int64(3);
  t.project_name = s.optional_text(4);
  t.fields.parent_task_id = s.optional_int64(5);
  t.parent_task_name = s.optional_text(6);
  t.fields.description = s.optional_text(7);
  t.fields.estimated_mins = s.optional_int64(8);
  t.fields.start_date = s.optional_text(9);
  t.fields.end_date = s.optional_text(10);
  t.fields.priority = s.text(11);
  t.fields.is_private = s.int64(12) != 0;
  t.fields.billable = s.int64(13) != 0;
  t.fields.position = s.int64(14);
  t.creator_id = s.int64(15);
  t.created_at = s.text_view(16);
  t.updated_at = s.text_view(17);
  t.archived_at = s.optional_text_view(18);
  t.deleted_at = s.optional_text_view(19);
  t.pinned = s.int64(20) != 0;
  t.sub_task_count = s.int64(21);
  t.project_role = sqlite::role_of_rank(s.int64(22));
  t.project_private = s.int64(23) != 0;
  t.tracked_seconds = s.int64(24);
  t.time_entry_count = s.int64(25);
  t.parent_task_hidden = s.int64(26) != 0;
  return t;
}

Result<TaskRecord> find(Connection& db, std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                        bool include_deleted) {
  auto stmt = db.prepare(kTaskColumns + "WHERE t.id = ?3 AND t.workspace_id = ?4 AND " + kTaskVisible +
                         " AND (?5 OR t.deleted_at IS NULL)");
  stmt.bind_all(viewer.user_id, viewer.sees_all ? 1 : 0, task_id, workspace_id, include_deleted ? 1 : 0);
  if (!stmt.step()) return make_error(ErrorCode::NotFound, "task not found");
  std::vector<TaskRecord> one;
  one.push_back(read_task(stmt));  // not one{...}: an initializer list is copied
  sqlite::attach_tags(db, sqlite::kTaskLinks, one);
  return std::move(one.front());
}

// Checks what the fields point at; `existing` is the task being updated as it
// stands (nullptr on create). A project or parent task it holds already
// stands, even where the viewer may not see it or it was deleted since: only
// a new one is checked (as for projects).
Status check_references(Connection& db, std::int64_t workspace_id, const Viewer& viewer, const TaskFields& f,
                        const TaskRecord* existing) {
  const std::int64_t self = existing ? existing->id : 0;
  const bool new_project = f.project_id && (!existing || f.project_id != existing->fields.project_id);
  if (new_project && !sqlite::project_visible(db, workspace_id, *f.project_id, viewer)) {
    return invalid("project_id", "no such project in this workspace");
  }
  for (auto tag_id : f.tag_ids) {
    auto stmt = db.prepare("SELECT 1 FROM tags WHERE id = ?1 AND workspace_id = ?2 AND deleted_at IS NULL");
    stmt.bind_all(tag_id, workspace_id);
    if (!stmt.step()) return invalid("tag_ids", "no such tag in this workspace: " + std::to_string(tag_id));
  }
  if (f.parent_task_id && (!existing || f.parent_task_id != existing->fields.parent_task_id)) {
    if (*f.parent_task_id == self) return invalid("parent_task_id", "a task cannot be its own parent");
    if (!find(db, workspace_id, *f.parent_task_id, viewer, false)) {
      return invalid("parent_task_id", "no such task in this workspace");
    }
    std::int64_t current = *f.parent_task_id;
    for (int depth = 0; depth < 64; ++depth) {
      auto stmt = db.prepare("SELECT parent_task_id FROM tasks WHERE id = ?1");
      stmt.bind_all(current);
      if (!stmt.step() || stmt.is_null(0)) break;
      current = stmt.int64(0);
      if (current == self) return invalid("parent_task_id", "would make a cycle");
    }
  }
  return Ok{};
}

}  // namespace

namespace sqlite {

bool project_visible(Connection& db, std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer) {
  auto stmt = db.prepare(
      "SELECT 1 FROM projects p WHERE p.id = ?3 AND p.workspace_id = ?4 AND p.deleted_at IS NULL AND"
      " (?2 OR p.private = 0 OR " +
      my_rank("p.id") + " IS NOT NULL)");
  stmt.bind_all(viewer.user_id, viewer.sees_all ? 1 : 0, project_id, workspace_id);
  return stmt.step();
}

std::optional<TaskRecord> visible_task(Connection& db, std::int64_t workspace_id, std::int64_t task_id,
                                       const Viewer& viewer) {
  auto task = find(db, workspace_id, task_id, viewer, false);
  if (!task) return std::nullopt;
  return std::move(task).value();
}

}  // namespace sqlite

namespace {

// The task's live tag ids, sorted, as text that sorts as the arrays do (each
// id zero-padded); NULL for none. group_concat takes the rows in the
// subquery's order: SQLite does not flatten an ordered subquery into an
// aggregate (its rule 16), and SQLite 3.40 has no ORDER BY inside it.
constexpr std::string_view kTagIdsKey =
    "(SELECT group_concat(printf('%020d', tag_id), ',') FROM (SELECT tt.tag_id FROM task_tags tt"
    " JOIN tags tg ON tg.id = tt.tag_id AND tg.deleted_at IS NULL WHERE tt.task_id = t.id ORDER BY tt.tag_id))";

const sql::OrderColumns& task_order_columns() {
  static const sql::OrderColumns kColumns = sql::task_order_columns("t.name COLLATE NOCASE", "pinned", kTagIdsKey);
  return kColumns;
}

}  // namespace

Result<TaskList> SqliteStore::list_tasks(const TaskQuery& q) {
  if (q.matches_nothing) return TaskList{};
  return read([&](Connection& db) -> Result<TaskList> {
    // ?14 priorities (comma-separated), ?15 private, ?16 tags, ?17 creators, ?18 has time entries,
    // ?19 has dates, ?20 and ?21 the dates overlapped, ?22 clients, ?23 without client, ?24 and ?25
    // the estimate's bounds, ?26 the name also in the parent's, ?27 active by, ?28 to ?31 the legacy
    // start and end date ranges.
    const std::string where =
        std::string("WHERE t.workspace_id = ?3 AND t.deleted_at IS NULL AND ") + kTaskVisible +
        " AND (?4 = 2 OR (t.archived_at IS NULL) = (?4 = 0))"
        " AND (?5 IS NULL OR pinned = ?5)"
        " AND (?6 IS NULL OR instr(lower(t.name), lower(?6)) > 0 OR instr(lower(p.name), lower(?6)) > 0"
        "  OR EXISTS (SELECT 1 FROM clients c WHERE c.id = p.client_id AND instr(lower(c.name), lower(?6)) > 0)"
        "  OR (?26 AND " +
        parent_visible(" AND vp.deleted_at IS NULL AND instr(lower(vp.name), lower(?6)) > 0") +
        "))"
        " AND ((json_array_length(?7) = 0 AND NOT ?9) OR t.project_id IN"
        "  (SELECT value FROM json_each(?7)) OR (?9 AND t.project_id IS NULL))"
        " AND ((json_array_length(?8) = 0 AND NOT ?10)"
        "  OR (t.parent_task_id IN (SELECT value FROM json_each(?8)) AND " +
        parent_visible() + ") OR (?10 AND (t.parent_task_id IS NULL OR NOT " + parent_visible() +
        ")))"
        " AND (json_array_length(?13) = 0 OR t.id IN (SELECT value FROM json_each(?13)))"
        " AND (?14 = '' OR instr(',' || ?14 || ',', ',' || t.priority || ',') > 0)"
        " AND (?15 IS NULL OR t.private = ?15)"
        " AND (json_array_length(?16) = 0 OR EXISTS (SELECT 1 FROM task_tags tt JOIN tags tg ON tg.id = tt.tag_id"
        "  AND tg.deleted_at IS NULL WHERE tt.task_id = t.id AND tt.tag_id IN (SELECT value FROM json_each(?16))))"
        " AND (json_array_length(?17) = 0 OR t.creator_id IN (SELECT value FROM json_each(?17)))"
        " AND (?18 IS NULL OR EXISTS (SELECT 1 FROM time_entries te"
        "  WHERE te.task_id = t.id AND te.deleted_at IS NULL) = ?18)"
        " AND (?19 IS NULL OR (t.start_date IS NOT NULL OR t.end_date IS NOT NULL) = ?19)"
        " AND (?20 IS NULL OR t.end_date >= ?20) AND (?21 IS NULL OR t.start_date <= ?21)"
        " AND ((json_array_length(?22) = 0 AND NOT ?23) OR p.client_id IN"
        "  (SELECT value FROM json_each(?22)) OR (?23 AND p.client_id IS NULL))"
        " AND (?24 IS NULL OR t.estimated_mins >= ?24) AND (?25 IS NULL OR t.estimated_mins <= ?25)"
        " AND (?27 IS NULL OR ((t.start_date IS NOT NULL OR t.end_date IS NOT NULL)"
        "  AND (t.start_date IS NULL OR t.start_date <= ?27)))"
        " AND (?28 IS NULL OR t.start_date >= ?28) AND (?29 IS NULL OR t.start_date <= ?29)"
        " AND (?30 IS NULL OR t.end_date >= ?30) AND (?31 IS NULL OR t.end_date <= ?31)";
    const auto flag = [](const std::optional<bool>& b) {
      return b ? std::optional<std::int64_t>(*b ? 1 : 0) : std::nullopt;
    };
    auto bind = [&](Statement& stmt) {
      stmt.bind_all(q.viewer.user_id, q.viewer.sees_all ? 1 : 0, q.workspace_id, static_cast<int>(q.archived),
                    flag(q.pinned), q.name, json_ids(q.project_ids), json_ids(q.parent_task_ids),
                    q.without_project ? 1 : 0, q.without_parent ? 1 : 0);
      stmt.bind(13, json_ids(q.task_ids)).bind(14, q.priorities).bind(15, flag(q.is_private));
      stmt.bind(16, json_ids(q.tag_ids)).bind(17, json_ids(q.creator_ids)).bind(18, flag(q.has_time_entries));
      stmt.bind(19, flag(q.has_dates)).bind(20, q.overlap_start).bind(21, q.overlap_end);
      stmt.bind(22, json_ids(q.client_ids)).bind(23, q.without_client ? 1 : 0);
      stmt.bind(24, q.estimated_min).bind(25, q.estimated_max).bind(26, q.name_in_parent ? 1 : 0);
      stmt.bind(27, q.active_by).bind(28, q.start_from).bind(29, q.start_to).bind(30, q.end_from).bind(31, q.end_to);
    };
    TaskList list;
    if (q.count_total) {
      auto count = db.prepare("SELECT COUNT(*) FROM (" + kCountedTasks + where + ")");
      bind(count);
      if (count.step()) list.total = count.int64(0);
    }
    auto stmt = db.prepare(kTaskColumns + where +
                           sql::order_clause(q.order, task_order_columns(), "t.name COLLATE NOCASE", "t.id") +
                           " LIMIT ?11 OFFSET ?12");
    bind(stmt);
    stmt.bind(11, q.page.per_page).bind(12, q.page.offset());
    while (stmt.step()) list.items.push_back(read_task(stmt));
    sqlite::attach_tags(db, sqlite::kTaskLinks, list.items);
    return list;
  });
}

Result<TaskRecord> SqliteStore::find_task(std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                                          bool include_deleted) {
  return read([&](Connection& db) { return find(db, workspace_id, task_id, viewer, include_deleted); });
}

Result<TaskRecord> SqliteStore::create_task(std::int64_t workspace_id, const Viewer& creator, const TaskFields& f,
                                            bool pinned) {
  return write([&](Connection& db) -> Result<TaskRecord> {
    Transaction tx(db);
    if (auto status = check_references(db, workspace_id, creator, f, nullptr); !status) return status.error();
    const std::string now = now_rfc3339();
    db.prepare(
          "INSERT INTO tasks (workspace_id, project_id, parent_task_id, name, description, estimated_mins,"
          " start_date, end_date, priority, private, billable, position, creator_id, created_at, updated_at)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)")
        .bind_all(workspace_id, f.project_id, f.parent_task_id, f.name, f.description, f.estimated_mins, f.start_date,
                  f.end_date, f.priority, f.is_private ? 1 : 0, f.billable ? 1 : 0, f.position, creator.user_id, now)
        .run();
    const std::int64_t id = db.last_insert_id();
    if (!f.tag_ids.empty()) sqlite::write_tags(db, sqlite::kTaskLinks, id, f.tag_ids);  // a new row has none
    if (pinned) sqlite::write_pin(db, sqlite::kTaskLinks, id, creator.user_id, true);
    auto created = find(db, workspace_id, id, creator, false);
    tx.commit();
    return created;
  });
}

Result<TaskRecord> SqliteStore::update_task(std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                                            const TaskFields& f, std::optional<bool> pinned) {
  return write([&](Connection& db) -> Result<TaskRecord> {
    Transaction tx(db);
    auto found = find(db, workspace_id, task_id, viewer, false);
    if (!found) return found.error();
    if (auto status = check_references(db, workspace_id, viewer, f, &*found); !status) return status.error();
    db.prepare(
          "UPDATE tasks SET project_id = ?2, parent_task_id = ?3, name = ?4, description = ?5, estimated_mins = ?6,"
          " start_date = ?7, end_date = ?8, priority = ?9, private = ?10, billable = ?11, position = ?12,"
          " updated_at = ?13 WHERE id = ?1")
        .bind_all(task_id, f.project_id, f.parent_task_id, f.name, f.description, f.estimated_mins, f.start_date,
                  f.end_date, f.priority, f.is_private ? 1 : 0, f.billable ? 1 : 0, f.position, now_rfc3339())
        .run();
    sqlite::write_tags(db, sqlite::kTaskLinks, task_id, f.tag_ids);
    if (pinned) sqlite::write_pin(db, sqlite::kTaskLinks, task_id, viewer.user_id, *pinned);
    auto updated = find(db, workspace_id, task_id, viewer, false);
    tx.commit();
    return updated;
  });
}

Status SqliteStore::set_task_archived(std::int64_t task_id, bool archived) {
  return write([&](Connection& db) -> Status {
    const std::string now = now_rfc3339();
    db.prepare(archived ? "UPDATE tasks SET archived_at = ?2, updated_at = ?2 WHERE id = ?1 AND archived_at IS NULL"
                        : "UPDATE tasks SET archived_at = NULL, updated_at = ?2 WHERE id = ?1")
        .bind_all(task_id, now)
        .run();
    return Ok{};
  });
}

Status SqliteStore::set_task_deleted(std::int64_t task_id, bool deleted) {
  return write([&](Connection& db) -> Status {
    const std::string now = now_rfc3339();
    db.prepare(deleted ? "UPDATE tasks SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1 AND deleted_at IS NULL"
                       : "UPDATE tasks SET deleted_at = NULL, updated_at = ?2 WHERE id = ?1")
        .bind_all(task_id, now)
        .run();
    return Ok{};
  });
}

}  // namespace focusd
