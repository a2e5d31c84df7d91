// Time entries: the timer (start, stop, the running entry) and the range list.
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

// Over `time_entries e LEFT JOIN tasks t LEFT JOIN projects p`; ?1 = viewer, ?2 = viewer sees all.
// The viewer's project role is not looked up for a viewer who sees all (read
// as none): every rule lets such a viewer through before asking it.
const std::string kEntryColumns =
    std::string(
        "SELECT e.id, e.workspace_id, e.user_id, e.task_id, e.project_id, e.description, e.type, e.billable,"
        " e.tag_override, e.start, e.stop, e.timezone, e.created_at, e.updated_at, e.archived_at, e.deleted_at,"
        " t.name, p.name, p.color, COALESCE(p.private, 0), CASE WHEN ?2 THEN 0 ELSE COALESCE(") +
    my_rank("e.project_id") +
    ", 0) END,"
    " CASE WHEN ?2 OR e.project_id IS NULL THEN 0 ELSE p.private = 1 AND " +
    my_rank("e.project_id") +
    " IS NULL END,"
    " CASE WHEN ?2 OR e.task_id IS NULL THEN 0 ELSE t.private = 1 AND t.creator_id <> ?1 END,"
    " e.billable_default"
    " FROM time_entries e LEFT JOIN tasks t ON t.id = e.task_id LEFT JOIN projects p ON p.id = e.project_id ";

// domain::may_see_time_entry, for the database to filter by; an entry whose
// project or task is deleted is out of sight.
const std::string kEntryVisible =
    "(e.project_id IS NULL OR p.deleted_at IS NULL) AND (e.task_id IS NULL OR t.deleted_at IS NULL) AND"
    " (?2 OR e.user_id = ?1 OR (e.project_id IS NOT NULL AND (p.private = 0 OR " +
    my_rank("e.project_id") + " IS NOT NULL)))";

const sql::OrderColumns kEntryOrder = {
    {"start", "e.start"}, {"task_id", "e.task_id"}, {"created_at", "e.created_at"}, {"updated_at", "e.updated_at"}};

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
  e.fields.start = s.text_view(9);
  e.fields.stop = s.optional_text_view(10);
  e.fields.timezone = s.text(11);
  e.created_at = s.text_view(12);
  e.updated_at = s.text_view(13);
  e.archived_at = s.optional_text_view(14);
  e.deleted_at = s.optional_text_view(15);
  e.task_name = s.optional_text(16);
  e.project_name = s.optional_text(17);
  e.project_color = s.optional_text(18);
  e.project_private = s.int64(19) != 0;
  e.project_role = sqlite::role_of_rank(s.int64(20));
  e.project_hidden = s.int64(21) != 0;
  e.task_hidden = e.project_hidden || s.int64(22) != 0;  // a task of a project out of sight is out of sight too
  e.fields.billable_from_task = s.int64(23) != 0;
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
      const CatalogItem tag{stmt.int64(1), stmt.int64(2),     stmt.text(3),      stmt.optional_text(4),
                            stmt.int64(5), stmt.text_view(6), stmt.text_view(7), std::nullopt};
      for (TimeEntryRecord* row : owners[stmt.int64(0)]) {
        row->tags.push_back(tag);
        if (row->fields.tag_ids) row->fields.tag_ids->push_back(tag.id);
      }
    }
  };
  load("time_entry_tags", "time_entry_id", entry_ids, by_entry);
  load("task_tags", "task_id", task_ids, by_task);
}

// Which entries find() returns.
enum class Scope {
  Visible,           // live, as the viewer sees them
  VisibleOrDeleted,  // also soft-deleted ones (to restore)
  Timer,             // the viewer's own, whatever became of its project or task
};

Result<TimeEntryRecord> find(Connection& db, std::int64_t workspace_id, std::int64_t id, const Viewer& viewer,
                             Scope scope = Scope::Visible) {
  std::string where = kEntryColumns + "WHERE e.id = ?3 AND e.workspace_id = ?4 AND ";
  if (scope != Scope::VisibleOrDeleted) where += "e.deleted_at IS NULL AND ";
  where += scope == Scope::Timer ? std::string("e.user_id = ?1") : kEntryVisible;
  auto stmt = db.prepare(where);
  stmt.bind_all(viewer.user_id, viewer.sees_all ? 1 : 0, id, workspace_id);
  if (!stmt.step()) return make_error(ErrorCode::NotFound, "time entry not found");
  std::vector<TimeEntryRecord> one;
  one.push_back(read_entry(stmt));  // not one{...}: an initializer list is copied
  attach_tags(db, one);
  return std::move(one.front());
}

// The user's running entry: its id and start.
std::optional<std::pair<std::int64_t, Timestamp>> running(Connection& db, std::int64_t workspace_id,
                                                          std::int64_t user_id) {
  auto stmt = db.prepare(
      "SELECT id, start FROM time_entries WHERE workspace_id = ?1 AND user_id = ?2 AND stop IS NULL AND"
      " deleted_at IS NULL");
  stmt.bind_all(workspace_id, user_id);
  if (!stmt.step()) return std::nullopt;
  return std::pair{stmt.int64(0), Timestamp(stmt.text_view(1))};
}

// Checks the references of a write that differ from `before` (all of them
// for a new entry) and settles its project and billable: a named project, or
// the task's; billable_default takes the task's (else the project's).
Result<TimeEntryFields> resolve(Connection& db, std::int64_t workspace_id, const Viewer& user, const TimeEntryWrite& w,
                                const TimeEntryFields* before = nullptr) {
  TimeEntryFields f = w.fields;
  std::optional<TaskRecord> task;
  if (f.task_id) {
    task = sqlite::visible_task(db, workspace_id, *f.task_id, user);
    if (!task && (!before || before->task_id != f.task_id)) return invalid("task_id", "no such task in this workspace");
    if (!w.project_named) f.project_id = task ? task->fields.project_id : before->project_id;
  }
  if (f.project_id && (!before || before->project_id != f.project_id) &&
      !sqlite::project_visible(db, workspace_id, *f.project_id, user)) {
    return invalid("project_id", "no such project in this workspace");
  }
  if (w.billable_default) {
    f.billable_from_task = true;
    if (task) {
      f.billable = task->fields.billable;
    } else if (f.project_id) {
      auto stmt = db.prepare("SELECT billable FROM projects WHERE id = ?1");
      stmt.bind_all(*f.project_id);
      f.billable = stmt.step() && stmt.int64(0) != 0;
    } else {
      f.billable = false;
    }
  }
  const std::vector<std::int64_t> none;
  const auto& kept = before && before->tag_ids ? *before->tag_ids : none;
  for (auto tag_id : f.tag_ids.value_or(none)) {
    if (std::find(kept.begin(), kept.end(), tag_id) != kept.end()) continue;
    auto stmt = db.prepare("SELECT 1 FROM tags WHERE id = ?1 AND workspace_id = ?2 AND deleted_at IS NULL");
    stmt.bind_all(tag_id, workspace_id);
    if (!stmt.step()) return invalid("tag_ids", "no such tag in this workspace: " + std::to_string(tag_id));
  }
  return f;
}

// The entry's own tags: replaced by `tag_ids`, or none (its task's).
void write_tags(Connection& db, std::int64_t id, const std::optional<std::vector<std::int64_t>>& tag_ids) {
  db.prepare("DELETE FROM time_entry_tags WHERE time_entry_id = ?1").bind_all(id).run();
  for (auto tag_id : tag_ids.value_or(std::vector<std::int64_t>{})) {
    db.prepare("INSERT OR IGNORE INTO time_entry_tags (time_entry_id, tag_id) VALUES (?1, ?2)")
        .bind_all(id, tag_id)
        .run();
  }
}

// Inserts a resolved entry; its id.
std::int64_t insert(Connection& db, std::int64_t workspace_id, std::int64_t user_id, const TimeEntryFields& f,
                    const std::string& now) {
  db.prepare(
        "INSERT INTO time_entries (workspace_id, user_id, task_id, project_id, description, type, billable,"
        " tag_override, start, stop, seconds, timezone, created_at, updated_at, billable_default)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, unixepoch(?10) - unixepoch(?9), ?11, ?12, ?12, ?13)")
      .bind_all(workspace_id, user_id, f.task_id, f.project_id, f.description, f.type, f.billable ? 1 : 0,
                f.tag_ids ? 1 : 0, f.start, f.stop, f.timezone, now, f.billable_from_task ? 1 : 0)
      .run();
  const std::int64_t id = db.last_insert_id();
  if (f.tag_ids) write_tags(db, id, f.tag_ids);
  return id;
}

void stop_at(Connection& db, std::int64_t id, std::string_view stop, const std::string& now) {
  db.prepare(
        "UPDATE time_entries SET stop = ?2, seconds = unixepoch(?2) - unixepoch(start), updated_at = ?3"
        " WHERE id = ?1")
      .bind_all(id, stop, now)
      .run();
}

// A bulk write's NotFound names the entry (a single one's must read as any
// missing entry's, so it does not).
Error named(Error error, std::int64_t id, std::size_t of) {
  if (of > 1) error.description += ": " + std::to_string(id);
  return error;
}

bool is_member(Connection& db, std::int64_t workspace_id, std::int64_t user_id) {
  auto stmt = db.prepare(
      "SELECT 1 FROM workspaces w JOIN organization_users ou ON ou.organization_id = w.organization_id"
      " AND ou.user_id = ?2 WHERE w.id = ?1");
  stmt.bind_all(workspace_id, user_id);
  return stmt.step();
}

}  // namespace

Result<TimeEntryRecord> SqliteStore::start_time_entry(std::int64_t workspace_id, const Viewer& user,
                                                      const TimeEntryFields& fields, const StopRule& stop_rule) {
  return write([&](Connection& db) -> Result<TimeEntryRecord> {
    Transaction tx(db);
    auto f = resolve(db, workspace_id, user, {fields, fields.project_id.has_value(), fields.billable_from_task});
    if (!f) return f.error();
    f->stop.reset();
    const std::string now = now_rfc3339();
    if (auto current = running(db, workspace_id, user.user_id)) {
      const Timestamp stop = std::max(current->second, f->start);
      if (auto allowed = stop_rule(current->second, stop); !allowed) return allowed.error();
      stop_at(db, current->first, stop, now);
    }
    const std::int64_t id = insert(db, workspace_id, user.user_id, *f, now);
    auto started = find(db, workspace_id, id, user, Scope::Timer);
    tx.commit();
    return started;
  });
}

Result<TimeEntryRecord> SqliteStore::running_time_entry(std::int64_t workspace_id, const Viewer& user) {
  return read([&](Connection& db) -> Result<TimeEntryRecord> {
    auto current = running(db, workspace_id, user.user_id);
    if (!current) return make_error(ErrorCode::NotFound, "no time entry is running");
    return find(db, workspace_id, current->first, user, Scope::Timer);
  });
}

Result<TimeEntryRecord> SqliteStore::stop_time_entry(std::int64_t workspace_id, const Viewer& user,
                                                     const std::string& stop, const StopRule& stop_rule) {
  return write([&](Connection& db) -> Result<TimeEntryRecord> {
    Transaction tx(db);
    auto current = running(db, workspace_id, user.user_id);
    if (!current) return make_error(ErrorCode::NotFound, "no time entry is running");
    if (auto allowed = stop_rule(current->second, stop); !allowed) return allowed.error();
    stop_at(db, current->first, stop, now_rfc3339());
    auto stopped = find(db, workspace_id, current->first, user, Scope::Timer);
    tx.commit();
    return stopped;
  });
}

Result<TimeEntryRecord> SqliteStore::find_time_entry(std::int64_t workspace_id, std::int64_t id, const Viewer& viewer) {
  return read([&](Connection& db) { return find(db, workspace_id, id, viewer); });
}

Result<std::vector<TimeEntryRecord>> SqliteStore::list_time_entries(const TimeEntryQuery& q) {
  // Ties go by id in the first key's direction: newest first means the last created first.
  const Ordering order = q.order.empty() ? Ordering{{"start", true}} : q.order;
  const std::string order_by =
      sql::order_clause(order, kEntryOrder, "", order.front().descending ? "e.id DESC" : "e.id");
  return read([&](Connection& db) -> Result<std::vector<TimeEntryRecord>> {
    auto stmt = db.prepare(kEntryColumns + "WHERE e.workspace_id = ?3 AND e.deleted_at IS NULL AND " + kEntryVisible +
                           " AND e.start >= ?4 AND e.start < ?5"
                           " AND (?6 IS NULL OR e.task_id = ?6)"
                           " AND (?7 IS NULL OR e.type = ?7)"
                           " AND (?8 = 2 OR (e.archived_at IS NULL) = (?8 = 0))"
                           " AND (?9 OR e.task_id IS NOT NULL)" +
                           order_by + " LIMIT ?10 OFFSET ?11");
    stmt.bind_all(q.viewer.user_id, q.viewer.sees_all ? 1 : 0, q.workspace_id, q.from, q.to, q.task_id, q.type,
                  static_cast<int>(q.archived), q.include_taskless ? 1 : 0, q.page.per_page, q.page.offset());
    std::vector<TimeEntryRecord> rows;
    rows.reserve(static_cast<std::size_t>(std::clamp<std::int64_t>(q.page.per_page, 0, 1000)));
    while (stmt.step()) rows.push_back(read_entry(stmt));
    attach_tags(db, rows);
    return rows;
  });
}

Result<std::vector<TimeEntryRecord>> SqliteStore::time_entries_by_ids(std::int64_t workspace_id,
                                                                      const std::vector<std::int64_t>& ids,
                                                                      const Viewer& viewer) {
  return read([&](Connection& db) -> Result<std::vector<TimeEntryRecord>> {
    auto stmt = db.prepare(kEntryColumns + "WHERE e.workspace_id = ?3 AND e.deleted_at IS NULL AND " + kEntryVisible +
                           " AND e.id IN (SELECT value FROM json_each(?4)) ORDER BY e.id");
    stmt.bind_all(viewer.user_id, viewer.sees_all ? 1 : 0, workspace_id, json_ids(ids));
    std::vector<TimeEntryRecord> rows;
    while (stmt.step()) rows.push_back(read_entry(stmt));
    attach_tags(db, rows);
    return rows;
  });
}

Result<std::vector<std::int64_t>> SqliteStore::create_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                                                   const std::vector<NewTimeEntry>& entries) {
  return write([&](Connection& db) -> Result<std::vector<std::int64_t>> {
    Transaction tx(db);
    const std::string now = now_rfc3339();
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const NewTimeEntry& entry = entries[i];
      const auto refused = [&](Error e) { return entries.size() > 1 ? for_item(std::move(e), i) : e; };
      if (!entry.write.fields.stop) return refused(invalid("duration", "is required: only the timer runs"));
      if (entry.user_id != caller.user_id && !is_member(db, workspace_id, entry.user_id)) {
        return refused(invalid("user_id", "is not a member of this workspace"));
      }
      auto f = resolve(db, workspace_id, caller, entry.write);
      if (!f) return refused(f.error());
      ids.push_back(insert(db, workspace_id, entry.user_id, *f, now));
    }
    tx.commit();
    return ids;
  });
}

Status SqliteStore::edit_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                      const std::vector<std::int64_t>& ids, const TimeEntryEdit& edit) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    const std::string now = now_rfc3339();
    for (auto id : ids) {
      auto current = find(db, workspace_id, id, caller);
      if (!current) return named(current.error(), id, ids.size());
      auto w = edit(*current);
      if (!w) return w.error();
      auto f = resolve(db, workspace_id, caller, *w, &current->fields);
      if (!f) return f.error();
      db.prepare(
            "UPDATE time_entries SET task_id = ?2, project_id = ?3, description = ?4, type = ?5, billable = ?6,"
            " tag_override = ?7, start = ?8, stop = ?9, seconds = unixepoch(?9) - unixepoch(?8), updated_at = ?10,"
            " billable_default = ?11 WHERE id = ?1")
          .bind_all(id, f->task_id, f->project_id, f->description, f->type, f->billable ? 1 : 0, f->tag_ids ? 1 : 0,
                    f->start, f->stop, now, f->billable_from_task ? 1 : 0)
          .run();
      write_tags(db, id, f->tag_ids);
    }
    tx.commit();
    return Ok{};
  });
}

Status SqliteStore::act_on_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                        const std::vector<std::int64_t>& ids, TimeEntryAct act,
                                        const TimeEntryCheck& check) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    const std::string now = now_rfc3339();
    for (auto id : ids) {
      auto entry =
          find(db, workspace_id, id, caller, act == TimeEntryAct::Restore ? Scope::VisibleOrDeleted : Scope::Visible);
      if (!entry) return named(entry.error(), id, ids.size());
      if (auto allowed = check(*entry); !allowed) return allowed.error();
      const char* set = "archived_at = NULL";
      switch (act) {
        case TimeEntryAct::Delete: set = "deleted_at = ?2"; break;
        case TimeEntryAct::Restore:
          if (!entry->deleted_at) continue;
          if (!entry->fields.stop && running(db, workspace_id, entry->user_id)) {
            return make_error(ErrorCode::Conflict, "time entry " + std::to_string(id) +
                                                       " ran when deleted and its owner has another running");
          }
          set = "deleted_at = NULL";
          break;
        case TimeEntryAct::Archive: set = "archived_at = COALESCE(archived_at, ?2)"; break;
        case TimeEntryAct::Unarchive: break;
      }
      db.prepare(std::string("UPDATE time_entries SET ") + set + ", updated_at = ?2 WHERE id = ?1")
          .bind_all(id, now)
          .run();
    }
    tx.commit();
    return Ok{};
  });
}

}  // namespace focusd
