// Tasks on PostgreSQL: visibility through their project, references, archive
// and delete (the rules of sqlite/sqlite_tasks.cpp). A write that names a
// parent task locks the workspace's row first, so that two moves at once
// cannot make a cycle.
#include "common/time.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/sql_common.h"
#include "store/sql_order.h"

namespace focusd {

using postgres::Connection;
using postgres::id_array;
using postgres::my_rank;
using postgres::Params;
using postgres::Rows;

namespace {

// Whether the viewer ($1) pinned the task.
const std::string kTaskPinned = "EXISTS (SELECT 1 FROM task_pins tp WHERE tp.task_id = t.id AND tp.user_id = $1)";

// Whether the viewer ($1; $2 = sees all) sees task `t` of project `p` (aliases).
std::string task_visible(const std::string& t, const std::string& p) {
  return "(" + t + ".project_id IS NULL OR " + p + ".deleted_at IS NULL) AND ($2::boolean OR ((NOT " + t +
         ".private OR " + t + ".creator_id = $1) AND CASE WHEN " + t + ".project_id IS NULL THEN " + t +
         ".creator_id = $1 ELSE (NOT " + p + ".private OR " + my_rank(t + ".project_id") + " IS NOT NULL) END))";
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
// ptp` (the parent task and its project); $1 = viewer, $2 = viewer sees all.
const std::string kTaskColumns =
    "SELECT t.id, t.workspace_id, t.name, t.project_id, p.name, t.parent_task_id, pt.name, t.description,"
    " t.estimated_mins, t.start_date, t.end_date, t.priority, t.private, t.billable, t.position, t.creator_id,"
    " t.created_at, t.updated_at, t.archived_at, t.deleted_at, " +
    kTaskPinned +
    ", (SELECT COUNT(*) FROM tasks s LEFT JOIN projects sp ON sp.id = s.project_id"
    "  WHERE s.parent_task_id = t.id AND s.deleted_at IS NULL AND " +
    task_visible("s", "sp") + "), COALESCE(" + my_rank("t.project_id") +
    ", 0), COALESCE(p.private, false),"
    " (SELECT COALESCE(SUM(e.seconds), 0)::bigint FROM time_entries e"
    "  WHERE e.task_id = t.id AND e.deleted_at IS NULL AND e.seconds IS NOT NULL),"
    " (SELECT COUNT(*) FROM time_entries e WHERE e.task_id = t.id AND e.deleted_at IS NULL AND e.seconds IS NOT "
    "NULL), " +
    postgres::tags_json(sql::kTaskLinks, "t.id") + ", pt.id IS NOT NULL AND NOT COALESCE(" + task_visible("pt", "ptp") +
    ", false)"
    " FROM tasks t LEFT JOIN projects p ON p.id = t.project_id LEFT JOIN tasks pt ON pt.id = t.parent_task_id"
    " LEFT JOIN projects ptp ON ptp.id = pt.project_id ";

TaskRecord read_task(const Rows& r, int i) {
  TaskRecord t;
  t.id = r.int64(i, 0);
  t.workspace_id = r.int64(i, 1);
  t.fields.name = r.text(i, 2);
  t.fields.project_id = r.optional_int64(i, 3);
  t.project_name = r.optional_text(i, 4);
  t.fields.parent_task_id = r.optional_int64(i, 5);
  t.parent_task_name = r.optional_text(i, 6);
  t.fields.description = r.optional_text(i, 7);
  t.fields.estimated_mins = r.optional_int64(i, 8);
  t.fields.start_date = r.optional_text(i, 9);
  t.fields.end_date = r.optional_text(i, 10);
  t.fields.priority = r.text(i, 11);
  t.fields.is_private = r.boolean(i, 12);
  t.fields.billable = r.boolean(i, 13);
  t.fields.position = r.int64(i, 14);
  t.creator_id = r.int64(i, 15);
  t.created_at = r.text(i, 16);
  t.updated_at = r.text(i, 17);
  t.archived_at = r.optional_text_view(i, 18);
  t.deleted_at = r.optional_text_view(i, 19);
  t.pinned = r.boolean(i, 20);
  t.sub_task_count = r.int64(i, 21);
  t.project_role = sql::role_of_rank(r.int64(i, 22));
  t.project_private = r.boolean(i, 23);
  t.tracked_seconds = r.int64(i, 24);
  t.time_entry_count = r.int64(i, 25);
  postgres::read_tags_json(r, i, 26, t);
  t.parent_task_hidden = r.boolean(i, 27);
  return t;
}

std::vector<TaskRecord> read_tasks(const Rows& rows) {
  std::vector<TaskRecord> tasks;
  tasks.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) tasks.push_back(read_task(rows, i));
  return tasks;
}

Result<TaskRecord> find(Connection& db, std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                        bool include_deleted) {
  static const std::string kSql = kTaskColumns + "WHERE t.id = $3 AND t.workspace_id = $4 AND " + kTaskVisible +
                                  " AND ($5::boolean OR t.deleted_at IS NULL)";
  Rows rows = db.exec(kSql, Params(viewer.user_id, viewer.sees_all, task_id, workspace_id, include_deleted));
  if (rows.empty()) return make_error(ErrorCode::NotFound, "task not found");
  return std::move(read_tasks(rows).front());
}

// Checks what the fields point at; `existing` is the task being updated as it
// stands (nullptr on create). A project or parent task it holds already
// stands, even where the viewer may not see it or it was deleted since: only
// a new one is checked (as for projects).
Status check_references(Connection& db, std::int64_t workspace_id, const Viewer& viewer, const TaskFields& f,
                        const TaskRecord* existing) {
  const std::int64_t self = existing ? existing->id : 0;
  const bool new_project = f.project_id && (!existing || f.project_id != existing->fields.project_id);
  if (new_project && !postgres::project_visible(db, workspace_id, *f.project_id, viewer)) {
    return invalid("project_id", "no such project in this workspace");
  }
  if (auto missing = postgres::missing_tag(db, workspace_id, f.tag_ids)) {
    return invalid("tag_ids", "no such tag in this workspace: " + std::to_string(*missing));
  }
  if (f.parent_task_id && (!existing || f.parent_task_id != existing->fields.parent_task_id)) {
    if (*f.parent_task_id == self) return invalid("parent_task_id", "a task cannot be its own parent");
    if (!find(db, workspace_id, *f.parent_task_id, viewer, false)) {
      return invalid("parent_task_id", "no such task in this workspace");
    }
    std::int64_t current = *f.parent_task_id;
    for (int depth = 0; depth < 64; ++depth) {
      Rows rows = db.exec("SELECT parent_task_id FROM tasks WHERE id = $1", Params(current));
      if (rows.empty() || rows.is_null(0, 0)) break;
      current = rows.int64(0, 0);
      if (current == self) return invalid("parent_task_id", "would make a cycle");
    }
  }
  return Ok{};
}

// The task's live tag ids, sorted; NULL for none.
constexpr std::string_view kTagIdsKey =
    "(SELECT array_agg(tt.tag_id ORDER BY tt.tag_id) FROM task_tags tt"
    " JOIN tags tg ON tg.id = tt.tag_id AND tg.deleted_at IS NULL WHERE tt.task_id = t.id)";

const sql::OrderColumns& task_order_columns() {
  static const sql::OrderColumns kColumns = sql::task_order_columns("focusd_fold(t.name)", kTaskPinned, kTagIdsKey);
  return kColumns;
}

}  // namespace

namespace postgres {

bool project_visible(Connection& db, std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer) {
  return !db.exec(
                "SELECT 1 FROM projects p WHERE p.id = $3 AND p.workspace_id = $4 AND p.deleted_at IS NULL AND"
                " ($2::boolean OR NOT p.private OR " +
                    my_rank("p.id") + " IS NOT NULL)",
                Params(viewer.user_id, viewer.sees_all, project_id, workspace_id))
              .empty();
}

std::optional<TaskRecord> visible_task(Connection& db, std::int64_t workspace_id, std::int64_t task_id,
                                       const Viewer& viewer) {
  auto task = find(db, workspace_id, task_id, viewer, false);
  if (!task) return std::nullopt;
  return std::move(task).value();
}

}  // namespace postgres

Result<TaskList> PostgresStore::list_tasks(const TaskQuery& q) {
  if (q.matches_nothing) return TaskList{};
  return snapshot([&](Connection& db) -> Result<TaskList> {
    // $1 viewer, $2 sees_all, $3 workspace, $4 archived (0 active, 1 archived, 2 all), $5 pinned, $6 name,
    // $7 projects, $8 parents, $9 without project, $10 without parent, $11 tasks, $12 priorities
    // (comma-separated), $13 private, $14 tags, $15 creators, $16 has time entries, $17 has dates,
    // $18 and $19 the dates overlapped, $20 clients, $21 without client, $22 and $23 the estimate's bounds,
    // $24 the name also in the parent's, $25 active by, $26 to $29 the legacy start and end date ranges;
    // the page's $30 limit and $31 offset.
    const std::string where =
        "WHERE t.workspace_id = $3 AND t.deleted_at IS NULL AND " + kTaskVisible +
        " AND ($4::int = 2 OR (t.archived_at IS NULL) = ($4::int = 0))"
        " AND ($5::boolean IS NULL OR " +
        kTaskPinned +
        " = $5::boolean)"
        " AND ($6::text IS NULL OR strpos(focusd_fold(t.name), focusd_fold($6::text)) > 0"
        "  OR strpos(focusd_fold(p.name), focusd_fold($6::text)) > 0"
        "  OR EXISTS (SELECT 1 FROM clients c WHERE c.id = p.client_id"
        "   AND strpos(focusd_fold(c.name), focusd_fold($6::text)) > 0)"
        "  OR ($24::boolean AND " +
        parent_visible(" AND vp.deleted_at IS NULL AND strpos(focusd_fold(vp.name), focusd_fold($6::text)) > 0") +
        "))"
        " AND ((cardinality($7::bigint[]) = 0 AND NOT $9::boolean) OR t.project_id = ANY($7::bigint[])"
        "  OR ($9::boolean AND t.project_id IS NULL))"
        " AND ((cardinality($8::bigint[]) = 0 AND NOT $10::boolean)"
        "  OR (t.parent_task_id = ANY($8::bigint[]) AND " +
        parent_visible() + ") OR ($10::boolean AND (t.parent_task_id IS NULL OR NOT " + parent_visible() +
        ")))"
        " AND (cardinality($11::bigint[]) = 0 OR t.id = ANY($11::bigint[]))"
        " AND ($12::text = '' OR t.priority = ANY(string_to_array($12::text, ',')))"
        " AND ($13::boolean IS NULL OR t.private = $13::boolean)"
        " AND (cardinality($14::bigint[]) = 0 OR EXISTS (SELECT 1 FROM task_tags tt JOIN tags tg ON tg.id = tt.tag_id"
        "  AND tg.deleted_at IS NULL WHERE tt.task_id = t.id AND tt.tag_id = ANY($14::bigint[])))"
        " AND (cardinality($15::bigint[]) = 0 OR t.creator_id = ANY($15::bigint[]))"
        " AND ($16::boolean IS NULL OR EXISTS (SELECT 1 FROM time_entries te"
        "  WHERE te.task_id = t.id AND te.deleted_at IS NULL) = $16::boolean)"
        " AND ($17::boolean IS NULL OR (t.start_date IS NOT NULL OR t.end_date IS NOT NULL) = $17::boolean)"
        " AND ($18::text IS NULL OR t.end_date >= $18::text) AND ($19::text IS NULL OR t.start_date <= $19::text)"
        " AND ((cardinality($20::bigint[]) = 0 AND NOT $21::boolean) OR p.client_id = ANY($20::bigint[])"
        "  OR ($21::boolean AND p.client_id IS NULL))"
        " AND ($22::bigint IS NULL OR t.estimated_mins >= $22::bigint)"
        " AND ($23::bigint IS NULL OR t.estimated_mins <= $23::bigint)"
        " AND ($25::text IS NULL OR ((t.start_date IS NOT NULL OR t.end_date IS NOT NULL)"
        "  AND (t.start_date IS NULL OR t.start_date <= $25::text)))"
        " AND ($26::text IS NULL OR t.start_date >= $26::text) AND ($27::text IS NULL OR t.start_date <= $27::text)"
        " AND ($28::text IS NULL OR t.end_date >= $28::text) AND ($29::text IS NULL OR t.end_date <= $29::text)";
    Params params(q.viewer.user_id, q.viewer.sees_all, q.workspace_id, static_cast<int>(q.archived), q.pinned, q.name,
                  id_array(q.project_ids), id_array(q.parent_task_ids), q.without_project, q.without_parent,
                  id_array(q.task_ids));
    params.add(q.priorities).add(q.is_private).add(id_array(q.tag_ids)).add(id_array(q.creator_ids));
    params.add(q.has_time_entries).add(q.has_dates).add(q.overlap_start).add(q.overlap_end);
    params.add(id_array(q.client_ids)).add(q.without_client).add(q.estimated_min).add(q.estimated_max);
    params.add(q.name_in_parent).add(q.active_by).add(q.start_from).add(q.start_to).add(q.end_from).add(q.end_to);
    TaskList list;
    if (q.count_total) {
      list.total = db.exec("SELECT count(*) FROM tasks t LEFT JOIN projects p ON p.id = t.project_id " + where, params)
                       .int64(0, 0);
    }
    params.add(q.page.per_page).add(q.page.offset());
    list.items = read_tasks(db.exec(
        kTaskColumns + where + sql::order_clause(q.order, task_order_columns(), "focusd_fold(t.name)", "t.id", true) +
            " LIMIT $30 OFFSET $31",
        params));
    return list;
  });
}

Result<TaskRecord> PostgresStore::find_task(std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                                            bool include_deleted) {
  return read([&](Connection& db) { return find(db, workspace_id, task_id, viewer, include_deleted); });
}

Result<TaskRecord> PostgresStore::create_task(std::int64_t workspace_id, const Viewer& creator, const TaskFields& f,
                                              bool pinned) {
  return write([&](Connection& db) -> Result<TaskRecord> {
    if (f.parent_task_id) postgres::lock_workspace(db, workspace_id);
    if (auto status = check_references(db, workspace_id, creator, f, nullptr); !status) return status.error();
    const std::int64_t id =
        db.exec(
              "INSERT INTO tasks (workspace_id, project_id, parent_task_id, name, description, estimated_mins,"
              " start_date, end_date, priority, private, billable, position, creator_id, created_at, updated_at)"
              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
              Params(workspace_id, f.project_id, f.parent_task_id, f.name, f.description, f.estimated_mins,
                     f.start_date, f.end_date, f.priority, f.is_private, f.billable, f.position, creator.user_id,
                     now_rfc3339()))
            .int64(0, 0);
    if (!f.tag_ids.empty()) postgres::write_tags(db, sql::kTaskLinks, id, f.tag_ids);  // a new row has none
    if (pinned) postgres::write_pin(db, sql::kTaskLinks, id, creator.user_id, true);
    return find(db, workspace_id, id, creator, false);
  });
}

Result<TaskRecord> PostgresStore::update_task(std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer,
                                              const TaskFields& f, std::optional<bool> pinned) {
  return write([&](Connection& db) -> Result<TaskRecord> {
    if (f.parent_task_id) postgres::lock_workspace(db, workspace_id);
    db.exec("SELECT 1 FROM tasks WHERE id = $1 FOR NO KEY UPDATE", Params(task_id));
    auto found = find(db, workspace_id, task_id, viewer, false);
    if (!found) return found.error();
    if (auto status = check_references(db, workspace_id, viewer, f, &*found); !status) return status.error();
    db.exec(
        "UPDATE tasks SET project_id = $2, parent_task_id = $3, name = $4, description = $5, estimated_mins = $6,"
        " start_date = $7, end_date = $8, priority = $9, private = $10, billable = $11, position = $12,"
        " updated_at = $13 WHERE id = $1",
        Params(task_id, f.project_id, f.parent_task_id, f.name, f.description, f.estimated_mins, f.start_date,
               f.end_date, f.priority, f.is_private, f.billable, f.position, now_rfc3339()));
    postgres::write_tags(db, sql::kTaskLinks, task_id, f.tag_ids);
    if (pinned) postgres::write_pin(db, sql::kTaskLinks, task_id, viewer.user_id, *pinned);
    return find(db, workspace_id, task_id, viewer, false);
  });
}

Status PostgresStore::set_task_archived(std::int64_t task_id, bool archived) {
  return write([&](Connection& db) -> Status {
    db.exec(archived ? "UPDATE tasks SET archived_at = $2, updated_at = $2 WHERE id = $1 AND archived_at IS NULL"
                     : "UPDATE tasks SET archived_at = NULL, updated_at = $2 WHERE id = $1",
            Params(task_id, now_rfc3339()));
    return Ok{};
  });
}

Status PostgresStore::set_task_deleted(std::int64_t task_id, bool deleted) {
  return write([&](Connection& db) -> Status {
    db.exec(deleted ? "UPDATE tasks SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL"
                    : "UPDATE tasks SET deleted_at = NULL, updated_at = $2 WHERE id = $1",
            Params(task_id, now_rfc3339()));
    return Ok{};
  });
}

}  // namespace focusd
