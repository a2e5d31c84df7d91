// Time entries on PostgreSQL: the timer (start, stop, the running entry) and
// the range list (the rules of sqlite/sqlite_time_entries.cpp). The timer's
// writes lock the user's row first, so that two starts at once leave exactly
// one entry running (the unique index time_entries_one_running stands behind it).
#include <algorithm>
#include <unordered_map>

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

// Over `time_entries e LEFT JOIN tasks t LEFT JOIN projects p`; $1 = viewer, $2 = viewer sees all.
// The viewer's project role is not looked up for a viewer who sees all (read
// as none): every rule lets such a viewer through before asking it.
const std::string kEntryColumns =
    "SELECT e.id, e.workspace_id, e.user_id, e.task_id, e.project_id, e.description, e.type, e.billable,"
    " e.tag_override, e.start, e.stop, e.timezone, e.created_at, e.updated_at, e.archived_at, e.deleted_at,"
    " t.name, p.name, p.color, COALESCE(p.private, false), CASE WHEN $2::boolean THEN 0 ELSE COALESCE(" +
    my_rank("e.project_id") +
    ", 0) END,"
    " CASE WHEN $2::boolean OR e.project_id IS NULL THEN false ELSE p.private AND " +
    my_rank("e.project_id") +
    " IS NULL END,"
    " CASE WHEN $2::boolean OR e.task_id IS NULL THEN false ELSE t.private AND t.creator_id <> $1 END,"
    " e.billable_default"
    " FROM time_entries e LEFT JOIN tasks t ON t.id = e.task_id LEFT JOIN projects p ON p.id = e.project_id ";

// domain::may_see_time_entry, for the database to filter by; an entry whose
// project or task is deleted is out of sight.
const std::string kEntryVisible =
    "(e.project_id IS NULL OR p.deleted_at IS NULL) AND (e.task_id IS NULL OR t.deleted_at IS NULL) AND"
    " ($2::boolean OR e.user_id = $1 OR (e.project_id IS NOT NULL AND (NOT p.private OR " +
    my_rank("e.project_id") + " IS NOT NULL)))";

const sql::OrderColumns kEntryOrder = {
    {"start", "e.start"}, {"task_id", "e.task_id"}, {"created_at", "e.created_at"}, {"updated_at", "e.updated_at"}};

TimeEntryRecord read_entry(const Rows& r, int i) {
  TimeEntryRecord e;
  e.id = r.int64(i, 0);
  e.workspace_id = r.int64(i, 1);
  e.user_id = r.int64(i, 2);
  e.fields.task_id = r.optional_int64(i, 3);
  e.fields.project_id = r.optional_int64(i, 4);
  e.fields.description = r.optional_text(i, 5);
  e.fields.type = r.text(i, 6);
  e.fields.billable = r.boolean(i, 7);
  if (r.boolean(i, 8)) e.fields.tag_ids = std::vector<std::int64_t>{};
  e.fields.start = r.text(i, 9);
  e.fields.stop = r.optional_text_view(i, 10);
  e.fields.timezone = r.text(i, 11);
  e.created_at = r.text(i, 12);
  e.updated_at = r.text(i, 13);
  e.archived_at = r.optional_text_view(i, 14);
  e.deleted_at = r.optional_text_view(i, 15);
  e.task_name = r.optional_text(i, 16);
  e.project_name = r.optional_text(i, 17);
  e.project_color = r.optional_text(i, 18);
  e.project_private = r.boolean(i, 19);
  e.project_role = sql::role_of_rank(r.int64(i, 20));
  e.project_hidden = r.boolean(i, 21);
  e.task_hidden = e.project_hidden || r.boolean(i, 22);  // a task of a project out of sight is out of sight too
  e.fields.billable_from_task = r.boolean(i, 23);
  return e;
}

// Fills each entry's effective tags: its own (tag_ids set) or its task's.
void attach_tags(Connection& db, std::vector<TimeEntryRecord>& rows) {
  using Owners = std::unordered_map<std::int64_t, std::vector<TimeEntryRecord*>>;
  Owners by_entry;
  Owners by_task;
  std::vector<std::int64_t> entry_ids;
  std::vector<std::int64_t> task_ids;
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
  auto load = [&](const char* table, const char* owner, const std::vector<std::int64_t>& ids, Owners& owners) {
    if (ids.empty()) return;
    Rows tags = db.exec(std::string("SELECT l.") + owner + ", " + std::string(sql::kLinkedTagColumns) + " FROM " +
                            table + " l JOIN tags t ON t.id = l.tag_id AND t.deleted_at IS NULL WHERE l." + owner +
                            " = ANY($1::bigint[]) ORDER BY t.id",
                        Params(id_array(ids)));
    for (int i = 0; i < tags.size(); ++i) {
      const CatalogItem tag = postgres::read_linked_tag(tags, i, 1);
      for (TimeEntryRecord* row : owners[tags.int64(i, 0)]) {
        row->tags.push_back(tag);
        if (row->fields.tag_ids) row->fields.tag_ids->push_back(tag.id);
      }
    }
  };
  load("time_entry_tags", "time_entry_id", entry_ids, by_entry);
  load("task_tags", "task_id", task_ids, by_task);
}

std::vector<TimeEntryRecord> read_entries(Connection& db, const Rows& rows) {
  std::vector<TimeEntryRecord> entries;
  entries.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) entries.push_back(read_entry(rows, i));
  attach_tags(db, entries);
  return entries;
}

// Which entries find() returns.
enum class Scope {
  Visible,           // live, as the viewer sees them
  VisibleOrDeleted,  // also soft-deleted ones (to restore)
  Timer,             // the viewer's own, whatever became of its project or task
};

Result<TimeEntryRecord> find(Connection& db, std::int64_t workspace_id, std::int64_t id, const Viewer& viewer,
                             Scope scope = Scope::Visible) {
  std::string sql = kEntryColumns + "WHERE e.id = $3 AND e.workspace_id = $4 AND ";
  if (scope != Scope::VisibleOrDeleted) sql += "e.deleted_at IS NULL AND ";
  sql += scope == Scope::Timer ? std::string("e.user_id = $1") : kEntryVisible;
  Rows rows = db.exec(sql, Params(viewer.user_id, viewer.sees_all, id, workspace_id));
  if (rows.empty()) return make_error(ErrorCode::NotFound, "time entry not found");
  return std::move(read_entries(db, rows).front());
}

// Locks the user's row until the transaction ends: the timer's writes for one
// user run one after another. (FOR NO KEY UPDATE leaves the rows that
// reference the user free to be written.)
void lock_user(Connection& db, std::int64_t user_id) {
  db.exec("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", Params(user_id));
}

// The user's running entry: its id and start.
std::optional<std::pair<std::int64_t, Timestamp>> running(Connection& db, std::int64_t workspace_id,
                                                          std::int64_t user_id) {
  Rows rows = db.exec(
      "SELECT id, start FROM time_entries WHERE workspace_id = $1 AND user_id = $2 AND stop IS NULL AND"
      " deleted_at IS NULL",
      Params(workspace_id, user_id));
  if (rows.empty()) return std::nullopt;
  return std::pair{rows.int64(0, 0), Timestamp(rows.text(0, 1))};
}

// Checks the references of a write that differ from `before` (all of them
// for a new entry) and settles its project and billable: a named project, or
// the task's; billable_default takes the task's (else the project's).
Result<TimeEntryFields> resolve(Connection& db, std::int64_t workspace_id, const Viewer& user, const TimeEntryWrite& w,
                                const TimeEntryFields* before = nullptr) {
  TimeEntryFields f = w.fields;
  std::optional<TaskRecord> task;
  if (f.task_id) {
    task = postgres::visible_task(db, workspace_id, *f.task_id, user);
    if (!task && (!before || before->task_id != f.task_id)) return invalid("task_id", "no such task in this workspace");
    if (!w.project_named) f.project_id = task ? task->fields.project_id : before->project_id;
  }
  if (f.project_id && (!before || before->project_id != f.project_id) &&
      !postgres::project_visible(db, workspace_id, *f.project_id, user)) {
    return invalid("project_id", "no such project in this workspace");
  }
  if (w.billable_default) {
    f.billable_from_task = true;
    if (task) {
      f.billable = task->fields.billable;
    } else if (f.project_id) {
      Rows rows = db.exec("SELECT billable FROM projects WHERE id = $1", Params(*f.project_id));
      f.billable = !rows.empty() && rows.boolean(0, 0);
    } else {
      f.billable = false;
    }
  }
  std::vector<std::int64_t> added;
  const std::vector<std::int64_t> none;
  const auto& kept = before && before->tag_ids ? *before->tag_ids : none;
  for (auto tag_id : f.tag_ids.value_or(none)) {
    if (std::find(kept.begin(), kept.end(), tag_id) == kept.end()) added.push_back(tag_id);
  }
  if (auto missing = postgres::missing_tag(db, workspace_id, added)) {
    return invalid("tag_ids", "no such tag in this workspace: " + std::to_string(*missing));
  }
  return f;
}

// The entry's own tags: replaced by `tag_ids`, or none (its task's).
void write_tags(Connection& db, std::int64_t id, const std::optional<std::vector<std::int64_t>>& tag_ids) {
  db.exec("DELETE FROM time_entry_tags WHERE time_entry_id = $1", Params(id));
  if (!tag_ids || tag_ids->empty()) return;
  db.exec("INSERT INTO time_entry_tags (time_entry_id, tag_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
          Params(id, id_array(*tag_ids)));
}

// Inserts a resolved entry; its id.
std::int64_t insert(Connection& db, std::int64_t workspace_id, std::int64_t user_id, const TimeEntryFields& f,
                    const std::string& now) {
  const std::int64_t id =
      db.exec(
            "INSERT INTO time_entries (workspace_id, user_id, task_id, project_id, description, type, billable,"
            " tag_override, start, stop, seconds, timezone, created_at, updated_at, billable_default)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, focusd_seconds($9, $10), $11, $12, $12, $13)"
            " RETURNING id",
            Params(workspace_id, user_id, f.task_id, f.project_id, f.description, f.type, f.billable,
                   f.tag_ids.has_value(), f.start, f.stop, f.timezone, now, f.billable_from_task))
          .int64(0, 0);
  if (f.tag_ids) write_tags(db, id, f.tag_ids);
  return id;
}

void stop_at(Connection& db, std::int64_t id, std::string_view stop, const std::string& now) {
  db.exec("UPDATE time_entries SET stop = $2, seconds = focusd_seconds(start, $2), updated_at = $3 WHERE id = $1",
          Params(id, stop, now));
}

// A bulk write's NotFound names the entry (a single one's must read as any
// missing entry's, so it does not).
Error named(Error error, std::int64_t id, std::size_t of) {
  if (of > 1) error.description += ": " + std::to_string(id);
  return error;
}

bool is_member(Connection& db, std::int64_t workspace_id, std::int64_t user_id) {
  return !db.exec(
                "SELECT 1 FROM workspaces w JOIN organization_users ou ON ou.organization_id = w.organization_id"
                " AND ou.user_id = $2 WHERE w.id = $1",
                Params(workspace_id, user_id))
              .empty();
}

}  // namespace

Result<TimeEntryRecord> PostgresStore::start_time_entry(std::int64_t workspace_id, const Viewer& user,
                                                        const TimeEntryFields& fields, const StopRule& stop_rule) {
  return write([&](Connection& db) -> Result<TimeEntryRecord> {
    lock_user(db, user.user_id);
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
    return find(db, workspace_id, id, user, Scope::Timer);
  });
}

Result<TimeEntryRecord> PostgresStore::running_time_entry(std::int64_t workspace_id, const Viewer& user) {
  return read([&](Connection& db) -> Result<TimeEntryRecord> {
    auto current = running(db, workspace_id, user.user_id);
    if (!current) return make_error(ErrorCode::NotFound, "no time entry is running");
    return find(db, workspace_id, current->first, user, Scope::Timer);
  });
}

Result<TimeEntryRecord> PostgresStore::stop_time_entry(std::int64_t workspace_id, const Viewer& user,
                                                       const std::string& stop, const StopRule& stop_rule) {
  return write([&](Connection& db) -> Result<TimeEntryRecord> {
    lock_user(db, user.user_id);
    auto current = running(db, workspace_id, user.user_id);
    if (!current) return make_error(ErrorCode::NotFound, "no time entry is running");
    if (auto allowed = stop_rule(current->second, stop); !allowed) return allowed.error();
    stop_at(db, current->first, stop, now_rfc3339());
    return find(db, workspace_id, current->first, user, Scope::Timer);
  });
}

Result<TimeEntryRecord> PostgresStore::find_time_entry(std::int64_t workspace_id, std::int64_t id,
                                                       const Viewer& viewer) {
  return read([&](Connection& db) { return find(db, workspace_id, id, viewer); });
}

Result<std::vector<TimeEntryRecord>> PostgresStore::list_time_entries(const TimeEntryQuery& q) {
  // Ties go by id in the first key's direction: newest first means the last created first.
  const Ordering order = q.order.empty() ? Ordering{{"start", true}} : q.order;
  const std::string order_by =
      sql::order_clause(order, kEntryOrder, "", order.front().descending ? "e.id DESC" : "e.id", true);
  return snapshot([&](Connection& db) -> Result<std::vector<TimeEntryRecord>> {
    return read_entries(
        db, db.exec(kEntryColumns + "WHERE e.workspace_id = $3 AND e.deleted_at IS NULL AND " + kEntryVisible +
                        " AND e.start >= $4 AND e.start < $5"
                        " AND ($6::bigint IS NULL OR e.task_id = $6::bigint)"
                        " AND ($7::text IS NULL OR e.type = $7::text)"
                        " AND ($8::int = 2 OR (e.archived_at IS NULL) = ($8::int = 0))"
                        " AND ($9::boolean OR e.task_id IS NOT NULL)" +
                        order_by + " LIMIT $10 OFFSET $11",
                    Params(q.viewer.user_id, q.viewer.sees_all, q.workspace_id, q.from, q.to, q.task_id, q.type,
                           static_cast<int>(q.archived), q.include_taskless, q.page.per_page, q.page.offset())));
  });
}

Result<std::vector<TimeEntryRecord>> PostgresStore::time_entries_by_ids(std::int64_t workspace_id,
                                                                        const std::vector<std::int64_t>& ids,
                                                                        const Viewer& viewer) {
  return snapshot([&](Connection& db) -> Result<std::vector<TimeEntryRecord>> {
    return read_entries(db, db.exec(kEntryColumns + "WHERE e.workspace_id = $3 AND e.deleted_at IS NULL AND " +
                                        kEntryVisible + " AND e.id = ANY($4::bigint[]) ORDER BY e.id",
                                    Params(viewer.user_id, viewer.sees_all, workspace_id, id_array(ids))));
  });
}

Result<std::vector<std::int64_t>> PostgresStore::create_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                                                     const std::vector<NewTimeEntry>& entries) {
  return write([&](Connection& db) -> Result<std::vector<std::int64_t>> {
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
    return ids;
  });
}

Status PostgresStore::edit_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                        const std::vector<std::int64_t>& ids, const TimeEntryEdit& edit) {
  return write([&](Connection& db) -> Status {
    const std::string now = now_rfc3339();
    // Locked in id order (two edits of the same entries wait for each other
    // instead of deadlocking), then each edited as it stands.
    db.exec("SELECT 1 FROM time_entries WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE",
            Params(id_array(ids)));
    for (auto id : ids) {
      auto current = find(db, workspace_id, id, caller);
      if (!current) return named(current.error(), id, ids.size());
      auto w = edit(*current);
      if (!w) return w.error();
      auto f = resolve(db, workspace_id, caller, *w, &current->fields);
      if (!f) return f.error();
      db.exec(
          "UPDATE time_entries SET task_id = $2, project_id = $3, description = $4, type = $5, billable = $6,"
          " tag_override = $7, start = $8, stop = $9, seconds = focusd_seconds($8, $9), updated_at = $10,"
          " billable_default = $11 WHERE id = $1",
          Params(id, f->task_id, f->project_id, f->description, f->type, f->billable, f->tag_ids.has_value(), f->start,
                 f->stop, now, f->billable_from_task));
      write_tags(db, id, f->tag_ids);
    }
    return Ok{};
  });
}

Status PostgresStore::act_on_time_entries(std::int64_t workspace_id, const Viewer& caller,
                                          const std::vector<std::int64_t>& ids, TimeEntryAct act,
                                          const TimeEntryCheck& check) {
  return write([&](Connection& db) -> Status {
    const std::string now = now_rfc3339();
    db.exec("SELECT 1 FROM time_entries WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE",
            Params(id_array(ids)));
    for (auto id : ids) {
      auto entry =
          find(db, workspace_id, id, caller, act == TimeEntryAct::Restore ? Scope::VisibleOrDeleted : Scope::Visible);
      if (!entry) return named(entry.error(), id, ids.size());
      if (auto allowed = check(*entry); !allowed) return allowed.error();
      const char* set = "archived_at = NULL";
      switch (act) {
        case TimeEntryAct::Delete: set = "deleted_at = $2"; break;
        case TimeEntryAct::Restore:
          if (!entry->deleted_at) continue;
          if (!entry->fields.stop) {
            lock_user(db, entry->user_id);
            if (running(db, workspace_id, entry->user_id)) {
              return make_error(ErrorCode::Conflict, "time entry " + std::to_string(id) +
                                                         " ran when deleted and its owner has another running");
            }
          }
          set = "deleted_at = NULL";
          break;
        case TimeEntryAct::Archive: set = "archived_at = COALESCE(archived_at, $2)"; break;
        case TimeEntryAct::Unarchive: break;
      }
      db.exec(std::string("UPDATE time_entries SET ") + set + ", updated_at = $2 WHERE id = $1", Params(id, now));
    }
    return Ok{};
  });
}

}  // namespace focusd
