// Time entries: the timer (start, stop, the running entry) and the range list.
#include <algorithm>
#include <unordered_map>

#include "common/time.h"
#include "store/sqlite/sql_common.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {

using sqlite::Connection;
using sqlite::json_ids;
using sqlite::my_rank;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

// Over `time_entries e LEFT JOIN tasks t LEFT JOIN projects p`; ?1 = viewer, ?2 = viewer sees all.
const std::string kEntryColumns =
    std::string(
        "SELECT e.id, e.workspace_id, e.user_id, e.task_id, e.project_id, e.description, e.type, e.billable,"
        " e.tag_override, e.start, e.stop, e.timezone, e.created_at, e.updated_at, e.archived_at, e.deleted_at,"
        " t.name, p.name, p.color, COALESCE(p.private, 0), COALESCE(") +
    my_rank("e.project_id") +
    ", 0)"
    " FROM time_entries e LEFT JOIN tasks t ON t.id = e.task_id LEFT JOIN projects p ON p.id = e.project_id ";

// domain::may_see_time_entry, for the database to filter by; an entry whose
// project or task is deleted is out of sight.
const std::string kEntryVisible =
    "(e.project_id IS NULL OR p.deleted_at IS NULL) AND (e.task_id IS NULL OR t.deleted_at IS NULL) AND"
    " (?2 OR e.user_id = ?1 OR (e.project_id IS NOT NULL AND (p.private = 0 OR " +
    my_rank("e.project_id") + " IS NOT NULL)))";

TimeEntryRecord read_entry(const Statement& s) {
  TimeEntryRecord e;
  e.id = s.int64(0);
  e.workspace_id = s.int64(1);
  e.user_id = s.int64(2);
  e.fields.task_id = s.optional_int64(3);
  e.fields.project_id = s.optional_int64(4);
  e.fields.description = s.optional_text(5);
  e.fields.type = s.text(6);
  e.fields.billable = s.int64(7) != 0;
  if (s.int64(8) != 0) e.fields.tag_ids = std::vector<std::int64_t>{};
  e.fields.start = s.text(9);
  e.fields.stop = s.optional_text(10);
  e.fields.timezone = s.text(11);
  e.created_at = s.text(12);
  e.updated_at = s.text(13);
  e.archived_at = s.optional_text(14);
  e.deleted_at = s.optional_text(15);
  e.task_name = s.optional_text(16);
  e.project_name = s.optional_text(17);
  e.project_color = s.optional_text(18);
  e.project_private = s.int64(19) != 0;
  e.project_role = sqlite::role_of_rank(s.int64(20));
  return e;
}

// Fills each entry's effective tags: its own (tag_ids set) or its task's.
void attach_tags(Connection& db, std::vector<TimeEntryRecord>& rows) {
  std::unordered_map<std::int64_t, std::vector<TimeEntryRecord*>> by_entry, by_task;
  std::vector<std::int64_t> entry_ids, task_ids;
  for (auto& row : rows) {
    row.tags.clear();
    if (row.fields.tag_ids) {
      row.fields.tag_ids->clear();
      by_entry[row.id].push_back(&row);
      entry_ids.push_back(row.id);
    } else if (row.fields.task_id) {
      if (by_task[*row.fields.task_id].empty()) task_ids.push_back(*row.fields.task_id);
      by_task[*row.fields.task_id].push_back(&row);
    }
  }
  auto load = [&](const char* table, const char* owner, const std::vector<std::int64_t>& ids,
                  std::unordered_map<std::int64_t, std::vector<TimeEntryRecord*>>& owners) {
    if (ids.empty()) return;
    auto stmt = db.prepare(std::string("SELECT l.") + owner +
                           ", t.id, t.workspace_id, t.name, t.color, t.creator_id, t.created_at, t.updated_at FROM " +
                           table + " l JOIN tags t ON t.id = l.tag_id AND t.deleted_at IS NULL WHERE l." + owner +
                           " IN (SELECT value FROM json_each(?1)) ORDER BY t.id");
    stmt.bind_all(json_ids(ids));
    while (stmt.step()) {
      const CatalogItem tag{stmt.int64(1), stmt.int64(2), stmt.text(3), stmt.optional_text(4),
                            stmt.int64(5), stmt.text(6),  stmt.text(7), std::nullopt};
      for (TimeEntryRecord* row : owners[stmt.int64(0)]) {
        row->tags.push_back(tag);
        if (row->fields.tag_ids) row->fields.tag_ids->push_back(tag.id);
      }
    }
  };
  load("time_entry_tags", "time_entry_id", entry_ids, by_entry);
  load("task_tags", "task_id", task_ids, by_task);
}

// An entry as the viewer sees it; with `timer`, the viewer's own entry
// whatever became of its project or task (the timer is theirs to see and stop).
Result<TimeEntryRecord> find(Connection& db, std::int64_t workspace_id, std::int64_t id, const Viewer& viewer,
                             bool timer = false) {
  auto stmt = db.prepare(kEntryColumns + "WHERE e.id = ?3 AND e.workspace_id = ?4 AND e.deleted_at IS NULL AND " +
                         (timer ? std::string("e.user_id = ?1") : kEntryVisible));
  stmt.bind_all(viewer.user_id, viewer.sees_all ? 1 : 0, id, workspace_id);
  if (!stmt.step()) return make_error(ErrorCode::NotFound, "time entry not found");
  std::vector<TimeEntryRecord> one{read_entry(stmt)};
  attach_tags(db, one);
  return std::move(one.front());
}

// The user's running entry: its id and start.
std::optional<std::pair<std::int64_t, std::string>> running(Connection& db, std::int64_t workspace_id,
                                                            std::int64_t user_id) {
  auto stmt = db.prepare(
      "SELECT id, start FROM time_entries WHERE workspace_id = ?1 AND user_id = ?2 AND stop IS NULL AND"
      " deleted_at IS NULL");
  stmt.bind_all(workspace_id, user_id);
  if (!stmt.step()) return std::nullopt;
  return std::pair{stmt.int64(0), stmt.text(1)};
}

// Checks the references of new fields and resolves the project: a task's own
// project, or the project named.
Result<std::optional<std::int64_t>> resolve_project(Connection& db, std::int64_t workspace_id, const Viewer& user,
                                                    const TimeEntryFields& f) {
  std::optional<std::int64_t> project_id = f.project_id;
  if (f.task_id) {
    auto task = sqlite::visible_task(db, workspace_id, *f.task_id, user);
    if (!task) return invalid("task_id", "no such task in this workspace");
    if (f.project_id && f.project_id != task->fields.project_id) {
      return invalid("project_id", "is not the project of the task");
    }
    project_id = task->fields.project_id;
  } else if (f.project_id && !sqlite::project_visible(db, workspace_id, *f.project_id, user)) {
    return invalid("project_id", "no such project in this workspace");
  }
  for (auto tag_id : f.tag_ids.value_or(std::vector<std::int64_t>{})) {
    auto stmt = db.prepare("SELECT 1 FROM tags WHERE id = ?1 AND workspace_id = ?2 AND deleted_at IS NULL");
    stmt.bind_all(tag_id, workspace_id);
    if (!stmt.step()) return invalid("tag_ids", "no such tag in this workspace: " + std::to_string(tag_id));
  }
  return project_id;
}

}  // namespace

Result<TimeEntryRecord> SqliteStore::start_time_entry(std::int64_t workspace_id, const Viewer& user,
                                                      const TimeEntryFields& f) {
  return write([&](Connection& db) -> Result<TimeEntryRecord> {
    Transaction tx(db);
    auto project_id = resolve_project(db, workspace_id, user, f);
    if (!project_id) return project_id.error();
    const std::string now = now_rfc3339();
    if (auto current = running(db, workspace_id, user.user_id)) {
      db.prepare("UPDATE time_entries SET stop = ?2, updated_at = ?3 WHERE id = ?1")
          .bind_all(current->first, std::max(current->second, f.start), now)
          .run();
    }
    db.prepare(
          "INSERT INTO time_entries (workspace_id, user_id, task_id, project_id, description, type, billable,"
          " tag_override, start, stop, timezone, created_at, updated_at)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, ?11)")
        .bind_all(workspace_id, user.user_id, f.task_id, *project_id, f.description, f.type, f.billable ? 1 : 0,
                  f.tag_ids ? 1 : 0, f.start, f.timezone, now)
        .run();
    const std::int64_t id = db.last_insert_id();
    for (auto tag_id : f.tag_ids.value_or(std::vector<std::int64_t>{})) {
      db.prepare("INSERT OR IGNORE INTO time_entry_tags (time_entry_id, tag_id) VALUES (?1, ?2)")
          .bind_all(id, tag_id)
          .run();
    }
    auto started = find(db, workspace_id, id, user, true);
    tx.commit();
    return started;
  });
}

Result<TimeEntryRecord> SqliteStore::running_time_entry(std::int64_t workspace_id, const Viewer& user) {
  return read([&](Connection& db) -> Result<TimeEntryRecord> {
    auto current = running(db, workspace_id, user.user_id);
    if (!current) return make_error(ErrorCode::NotFound, "no time entry is running");
    return find(db, workspace_id, current->first, user, true);
  });
}

Result<TimeEntryRecord> SqliteStore::stop_time_entry(std::int64_t workspace_id, const Viewer& user,
                                                     const std::string& stop) {
  return write([&](Connection& db) -> Result<TimeEntryRecord> {
    Transaction tx(db);
    auto current = running(db, workspace_id, user.user_id);
    if (!current) return make_error(ErrorCode::NotFound, "no time entry is running");
    if (stop < current->second) return invalid("end", "must not be before the entry's start");
    db.prepare("UPDATE time_entries SET stop = ?2, updated_at = ?3 WHERE id = ?1")
        .bind_all(current->first, stop, now_rfc3339())
        .run();
    auto stopped = find(db, workspace_id, current->first, user, true);
    tx.commit();
    return stopped;
  });
}

Result<TimeEntryRecord> SqliteStore::find_time_entry(std::int64_t workspace_id, std::int64_t id, const Viewer& viewer) {
  return read([&](Connection& db) { return find(db, workspace_id, id, viewer); });
}

Result<std::vector<TimeEntryRecord>> SqliteStore::list_time_entries(const TimeEntryQuery& q) {
  return read([&](Connection& db) -> Result<std::vector<TimeEntryRecord>> {
    auto stmt = db.prepare(kEntryColumns + "WHERE e.workspace_id = ?3 AND e.deleted_at IS NULL AND " + kEntryVisible +
                           " AND e.start >= ?4 AND e.start < ?5"
                           " AND (?6 IS NULL OR e.task_id = ?6)"
                           " AND (?7 IS NULL OR e.type = ?7)"
                           " AND (?8 = 2 OR (e.archived_at IS NULL) = (?8 = 0))"
                           " AND (?9 OR e.task_id IS NOT NULL)" +
                           (q.descending ? " ORDER BY e.start DESC, e.id DESC" : " ORDER BY e.start, e.id") +
                           " LIMIT ?10 OFFSET ?11");
    stmt.bind_all(q.viewer.user_id, q.viewer.sees_all ? 1 : 0, q.workspace_id, q.from, q.to, q.task_id, q.type,
                  static_cast<int>(q.archived), q.include_taskless ? 1 : 0, q.page.per_page, q.page.offset());
    std::vector<TimeEntryRecord> rows;
    while (stmt.step()) rows.push_back(read_entry(stmt));
    attach_tags(db, rows);
    return rows;
  });
}

}  // namespace focusd
