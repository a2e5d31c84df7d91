#include "api/time_entry_views.h"

#include <boost/json/parse.hpp>
#include <unordered_map>

#include "api/handlers_common.h"
#include "api/json_util.h"
#include "api/task_json.h"
#include "domain/time_entries.h"

namespace focusd::api::handlers {

namespace {

// The members of models.TimeEntry, inside an object the caller opens and closes.
void write_entry_members(JsonWriter& w, const TimeEntryRecord& e) {
  const TimeEntryFields& f = e.fields;
  w.key("id").number(e.id);
  w.key("workspace_id").number(e.workspace_id);
  w.key("toggl_user_id").number(e.user_id);
  w.key("task_id").number_or_null(e.task_hidden ? std::nullopt : f.task_id);
  if (f.project_id && !e.project_hidden) w.key("project_id").number(*f.project_id);
  if (f.description) w.key("description").string(*f.description);
  w.key("type").string(f.type);
  w.key("billable").boolean(f.billable);
  w.key("billable_source").string(f.billable_from_task ? "task_default" : "manual");
  w.key("start").string(f.start);
  w.key("tracked_at").string(f.start);
  w.key("duration").number(domain::duration_of(f));
  w.key("timezone").string(f.timezone);
  w.key("tag_ids");
  if (f.tag_ids) {
    w.begin_array();
    for (auto id : *f.tag_ids) w.number(id);
    w.end_array();
  } else {
    w.null();
  }
  w.key("tags").begin_array();
  for (const auto& tag : e.tags) {
    w.begin_object().key("id").number(tag.id).key("name").string(tag.name);
    if (tag.extra) w.key("color").string(*tag.extra);
    w.end_object();
  }
  w.end_array();
  w.key("created_at").string(e.created_at);
  w.key("updated_at").string(e.updated_at);
  if (e.archived_at) w.key("archived_at").string(*e.archived_at);
  if (e.deleted_at) w.key("deleted_at").string(*e.deleted_at);
}

}  // namespace

void write_entry(JsonWriter& w, const TimeEntryRecord& e) {
  w.begin_object();
  write_entry_members(w, e);
  w.end_object();
}

boost::json::object entry_json(const TimeEntryRecord& e) {
  std::string text;
  JsonWriter w(text);
  write_entry(w, e);
  return boost::json::parse(text).as_object();
}

Response entry_response(http::status status, const TimeEntryRecord& e) {
  std::string text;
  JsonWriter w(text);
  write_entry(w, e);
  return json_text_response(status, std::move(text));
}

Response entries_response(const std::vector<TimeEntryRecord>& entries) {
  std::string text;
  JsonWriter w(text);
  w.begin_array();
  for (const auto& e : entries) write_entry(w, e);
  w.end_array();
  return json_text_response(http::status::ok, std::move(text));
}

Status write_entries_with_tasks(JsonWriter& w, Store& s, const std::vector<TimeEntryRecord>& entries,
                                const WorkspaceAccess& access) {
  TaskQuery q;
  q.workspace_id = access.workspace_id;
  q.viewer = domain::viewer_of(access);
  q.archived = ArchivedFilter::All;
  q.count_total = false;
  for (const auto& e : entries) {
    if (e.fields.task_id) q.task_ids.push_back(*e.fields.task_id);
  }
  std::unordered_map<std::int64_t, TaskRecord> tasks;
  if (!q.task_ids.empty()) {
    q.page = Page{1, static_cast<std::int64_t>(q.task_ids.size())};
    auto list = s.list_tasks(q);
    if (!list) return list.error();
    for (auto& t : list->items) tasks.emplace(t.id, std::move(t));
  }
  for (const auto& e : entries) {
    w.begin_object();
    write_entry_members(w, e);
    if (e.fields.project_id && !e.project_hidden) {
      w.key("project").value(project_lite_json(*e.fields.project_id, e.project_name.value_or(""), e.project_color,
                                               e.project_private, e.project_role, access));
    }
    if (auto task = e.fields.task_id ? tasks.find(*e.fields.task_id) : tasks.end(); task != tasks.end()) {
      w.key("task").value(task_json(task->second, access));
    }
    w.end_object();
  }
  return Ok{};
}

Status on_path_task(const Call& call, const TimeEntryRecord& entry) {
  const auto task = call.params.find(PathId::Task);
  if (!task || entry.fields.task_id == task) return Ok{};
  return make_error(ErrorCode::NotFound, "time entry not found");
}

}  // namespace focusd::api::handlers
