#include "api/time_entry_views.h"

#include <unordered_map>

#include "api/handlers_common.h"
#include "api/json_util.h"
#include "api/task_json.h"
#include "domain/time_entries.h"

namespace focusd::api::handlers {

boost::json::object entry_json(const TimeEntryRecord& e, const boost::json::storage_ptr& storage) {
  const TimeEntryFields& f = e.fields;
  boost::json::object o(storage);
  o.reserve(24);  // its members, and the task and project of a TimeEntryWithTask, without a rehash
  o["id"] = e.id;
  o["workspace_id"] = e.workspace_id;
  o["toggl_user_id"] = e.user_id;
  o["task_id"] = f.task_id ? boost::json::value(*f.task_id) : boost::json::value(nullptr);
  if (f.project_id) o["project_id"] = *f.project_id;
  if (f.description) o["description"] = *f.description;
  o["type"] = f.type;
  o["billable"] = f.billable;
  o["billable_source"] = "manual";
  o["start"] = f.start;
  o["tracked_at"] = f.start;
  o["duration"] = domain::duration_of(f);
  o["timezone"] = f.timezone;
  if (f.tag_ids) {
    boost::json::array ids(storage);
    for (auto id : *f.tag_ids) ids.push_back(id);
    o["tag_ids"] = std::move(ids);
  } else {
    o["tag_ids"] = nullptr;
  }
  boost::json::array tags(storage);
  for (const auto& tag : e.tags) {
    boost::json::object t({{"id", tag.id}, {"name", tag.name}}, storage);
    if (tag.extra) t["color"] = *tag.extra;
    tags.push_back(std::move(t));
  }
  o["tags"] = std::move(tags);
  o["created_at"] = e.created_at;
  o["updated_at"] = e.updated_at;
  if (e.archived_at) o["archived_at"] = *e.archived_at;
  if (e.deleted_at) o["deleted_at"] = *e.deleted_at;
  return o;
}

Result<boost::json::array> entries_with_tasks_json(Store& s, const std::vector<TimeEntryRecord>& entries,
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
  boost::json::array items(answer_arena());
  for (const auto& e : entries) {
    boost::json::object o = entry_json(e, items.storage());
    if (e.fields.project_id) {
      o["project"] = project_lite_json(*e.fields.project_id, e.project_name.value_or(""), e.project_color,
                                       e.project_private, e.project_role, access);
    }
    if (auto task = e.fields.task_id ? tasks.find(*e.fields.task_id) : tasks.end(); task != tasks.end()) {
      o["task"] = task_json(task->second, access);
    }
    items.push_back(std::move(o));
  }
  return items;
}

Status on_path_task(const Call& call, const TimeEntryRecord& entry) {
  const auto task = call.params.find(PathId::Task);
  if (!task || entry.fields.task_id == task) return Ok{};
  return make_error(ErrorCode::NotFound, "time entry not found");
}

}  // namespace focusd::api::handlers
