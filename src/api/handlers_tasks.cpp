// Tasks of a workspace: …/workspaces/{workspace_id}/tasks.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <tuple>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_stream.h"
#include "api/json_util.h"
#include "api/task_json.h"
#include "domain/task_access.h"
#include "domain/task_input.h"

namespace focusd::api::handlers {

namespace {

constexpr std::int64_t kStreamPage = 500;  // tasks read from the store at a time by …/tasks/stream

const std::vector<std::string_view> kTaskOrder = {
    "name",      "project_id",      "parent_task_id",     "estimated_mins",   "priority",  "start_date",
    "end_date",  "pinned",          "created_at",         "updated_at",       "position",  "billable",
    "user_id",   "relevance",       "last_activity",      "tag_ids",          "status_id", "priority_at",
    "assignees", "timeblock_start", "timeblock_now_diff", "sub_tasks_grouped"};

}  // namespace

boost::json::object project_lite_json(std::int64_t id, const std::string& name, const std::optional<std::string>& color,
                                      bool is_private, ProjectRole role, const WorkspaceAccess& access) {
  boost::json::array permissions;
  for (const auto& p : domain::permissions(access, role, is_private)) permissions.emplace_back(p);
  boost::json::object project{{"id", id},       {"name", name},         {"private", is_private},
                              {"draft", false}, {"is_template", false}, {"permissions", std::move(permissions)}};
  if (color) project["color"] = *color;
  return project;
}

boost::json::object task_json(const TaskRecord& t, const WorkspaceAccess& access) {
  const TaskFields& f = t.fields;
  boost::json::object o;
  o["id"] = t.id;
  o["workspace_id"] = t.workspace_id;
  o["name"] = f.name;
  o["project_id"] = json_or_null(f.project_id);
  if (f.project_id) {
    o["project"] = project_lite_json(*f.project_id, t.project_name.value_or(""), std::nullopt, t.project_private,
                                     t.project_role, access);
  } else {
    o["project"] = nullptr;
  }
  // A parent task the viewer may not see is never named, nor its id given.
  o["parent_task_id"] = t.parent_task_hidden ? boost::json::value(nullptr) : json_or_null(f.parent_task_id);
  o["parent_task_name"] = t.parent_task_hidden ? boost::json::value(nullptr) : json_or_null(t.parent_task_name);
  o["description"] = json_or_null(f.description);
  o["estimated_mins"] = json_or_null(f.estimated_mins);
  o["start_date"] = json_or_null(f.start_date);
  o["end_date"] = json_or_null(f.end_date);
  o["priority"] = f.priority;
  o["private"] = f.is_private;
  o["billable"] = f.billable;
  o["position"] = f.position;
  o["pinned"] = t.pinned;
  boost::json::array tag_ids;
  boost::json::array tags;
  for (const auto& tag : t.tags) {
    tag_ids.push_back(tag.id);
    tags.push_back(boost::json::object{{"id", tag.id}, {"name", tag.name}, {"color", json_or_null(tag.extra)}});
  }
  o["tag_ids"] = std::move(tag_ids);
  o["tags"] = std::move(tags);
  o["toggl_user_id"] = t.creator_id;
  o["created_at"] = t.created_at.view();
  o["updated_at"] = t.updated_at.view();
  o["archived_at"] = json_or_null(t.archived_at);
  o["deleted_at"] = json_or_null(t.deleted_at);
  o["status_id"] = nullptr;
  o["allocation_unit"] = "flat";
  o["estimate_type"] = "total";
  o["is_template"] = false;
  o["source"] = "focus";
  o["assignee_user_ids"] = boost::json::array{};
  o["sub_task_total_count"] = t.sub_task_count;
  o["time_entry_total_count"] = t.time_entry_count;
  o["total_tracked_time"] = t.tracked_seconds;
  // focusd has no statuses and no time blocks: these stay 0.
  for (const char* zero : {"sub_task_done_count", "time_block_completed_count", "time_block_scheduled_completed_count",
                           "time_block_scheduled_total_count", "time_block_total_count", "total_blocked_time",
                           "total_scheduled_blocked_time"}) {
    o[zero] = 0;
  }
  return o;
}

namespace {

Result<ArchivedFilter> archived_filter(const Query& query) {
  auto value = query.boolean("archived");
  if (!value) return value.error();
  if (!*value) return ArchivedFilter::Active;
  return **value ? ArchivedFilter::Archived : ArchivedFilter::Active;
}

// An id filter with the spec's reading of an empty value: `?project_id=`
// (alone or among ids) also asks for the tasks that have no project.
Result<std::pair<std::vector<std::int64_t>, bool>> id_filter(const Query& query, std::string_view name) {
  auto ids = query.ids(name);
  if (!ids) return ids.error();
  return std::pair{std::move(*ids), query.has_empty(name)};
}

// True when one of `values` is not among `allowed`.
bool any_outside(const std::vector<std::string>& values, std::initializer_list<std::string_view> allowed) {
  return std::any_of(values.begin(), values.end(), [&](const std::string& v) {
    return std::find(allowed.begin(), allowed.end(), v) == allowed.end();
  });
}

// `state`: tasks in any of the states named. focusd has no time blocks and no
// statuses: every task is active and not timeblocked, none is done or
// timeblocked; tracked ones have time entries.
Status task_states(const Query& query, TaskQuery& q) {
  const auto states = query.list("state");
  if (any_outside(states, {"timeblocked", "not_timeblocked", "tracked", "not_tracked", "active", "done"})) {
    return invalid("state", "must be timeblocked, not_timeblocked, tracked, not_tracked, active or done");
  }
  auto named = [&](std::string_view state) { return std::find(states.begin(), states.end(), state) != states.end(); };
  if (states.empty() || named("active") || named("not_timeblocked")) return Ok{};
  const bool tracked = named("tracked"), untracked = named("not_tracked");
  if (tracked == untracked) {
    if (!tracked) q.matches_nothing = true;  // only timeblocked or done
    return Ok{};
  }
  if (q.has_time_entries && *q.has_time_entries != tracked) q.matches_nothing = true;
  q.has_time_entries = tracked;
  return Ok{};
}

// The Swagger's other filters of the task list. Those of what focusd has not
// (statuses, time blocks, assignees and teams, recurrence, user priorities,
// custom fields, other sources) match no task when they ask for one.
Status swagger_filters(const Query& query, TaskQuery& q) {
  const auto priorities = query.list("priority");
  if (any_outside(priorities, {"none", "low", "medium", "high"})) {
    return invalid("priority", "must be none, low, medium or high");
  }
  for (const auto& p : priorities) q.priorities += (q.priorities.empty() ? "" : ",") + p;
  const auto sources = query.list("source");
  if (any_outside(sources, {"plan", "focus", "google_calendar", "outlook_calendar"})) {
    return invalid("source", "must be plan, focus, google_calendar or outlook_calendar");
  }
  if (!sources.empty() && std::find(sources.begin(), sources.end(), "focus") == sources.end()) {
    q.matches_nothing = true;  // every task here is made in focus
  }
  for (auto [name, target] : {std::pair{"private", &q.is_private}, std::pair{"has_time_entries", &q.has_time_entries},
                              std::pair{"has_dates", &q.has_dates}}) {
    auto value = query.boolean(name);
    if (!value) return value.error();
    *target = *value;
  }
  for (const char* flag : {"has_time_blocks", "time_block_completed", "recurring", "is_priority"}) {
    auto value = query.boolean(flag);
    if (!value) return value.error();
    if (value->value_or(false)) q.matches_nothing = true;
  }
  for (const char* ids :
       {"status_id", "time_block_id", "team_id", "assignee_team_id", "assignee_user_id", "recurring_task_ids"}) {
    auto given = query.ids(ids);
    if (!given) return given.error();
    if (!given->empty()) q.matches_nothing = true;
  }
  if (!query.list("cf_filter").empty()) q.matches_nothing = true;
  auto tags = query.ids("tag_id");
  if (!tags) return tags.error();
  q.tag_ids = std::move(*tags);
  auto creators = query.ids("toggl_user_id");
  if (!creators) return creators.error();
  q.creator_ids = std::move(*creators);
  auto clients = id_filter(query, "client_id");
  if (!clients) return clients.error();
  std::tie(q.client_ids, q.without_client) = std::move(*clients);
  for (auto [name, target] : {std::pair{"start_date", &q.overlap_start}, std::pair{"end_date", &q.overlap_end},
                              std::pair{"active_by_date", &q.active_by}, std::pair{"start_date_from", &q.start_from},
                              std::pair{"start_date_to", &q.start_to}, std::pair{"end_date_from", &q.end_from},
                              std::pair{"end_date_to", &q.end_to}}) {
    auto date = query.date(name);
    if (!date) return date.error();
    *target = std::move(*date);
  }
  // The legacy names of start_date and end_date, when those are absent.
  for (auto [name, target] :
       {std::pair{"dates_overlap_start", &q.overlap_start}, std::pair{"dates_overlap_end", &q.overlap_end}}) {
    auto date = query.date(name);
    if (!date) return date.error();
    if (!*target) *target = std::move(*date);
  }
  if (auto states = task_states(query, q); !states) return states;
  for (const char* bound : {"timeblock_start_from", "timeblock_start_until"}) {
    auto value = query.date_time(bound);
    if (!value) return value.error();
    if (*value) q.matches_nothing = true;  // no task here has a time block
  }
  auto in_parent = query.boolean("include_parent_matches");
  if (!in_parent) return in_parent.error();
  q.name_in_parent = in_parent->value_or(false);
  // Flags that add what focusd has not, or show what it has no more of.
  if (auto flags = query.booleans({"with_entries", "include_project_completed", "include_drafts", "include_rates",
                                   "include_assignees", "disable_aggregations"});
      !flags) {
    return flags;
  }
  constexpr std::int64_t kMaxMinutes = 100LL * 365 * 24 * 60;
  auto least = query.integer("estimated_mins_min", 0, kMaxMinutes);
  if (!least) return least.error();
  q.estimated_min = *least;
  auto most = query.integer("estimated_mins_max", 0, kMaxMinutes);
  if (!most) return most.error();
  q.estimated_max = *most;
  return Ok{};
}

// The filters and order that the paged list and the stream share.
Result<TaskQuery> task_query(const Query& query, const WorkspaceAccess& access) {
  TaskQuery q;
  q.workspace_id = access.workspace_id;
  q.viewer = domain::viewer_of(access);
  auto order = query.order_by(kTaskOrder);
  if (!order) return order.error();
  q.order = std::move(*order);
  auto projects = id_filter(query, "project_id");
  if (!projects) return projects.error();
  std::tie(q.project_ids, q.without_project) = std::move(*projects);
  auto parents = id_filter(query, "parent_task_id");
  if (!parents) return parents.error();
  std::tie(q.parent_task_ids, q.without_parent) = std::move(*parents);
  auto name = query.text("name");
  if (!name) return name.error();
  q.name = std::move(*name);
  // No task, project or client name holds a NUL or passes 255 bytes: such a
  // filter matches nothing (PostgreSQL would read it only up to its NUL).
  constexpr std::size_t kLongestName = 255;
  if (q.name && (q.name->find('\0') != std::string::npos || q.name->size() > kLongestName)) q.matches_nothing = true;
  auto archived = archived_filter(query);
  if (!archived) return archived.error();
  q.archived = *archived;
  auto pinned = query.boolean("pinned");
  if (!pinned) return pinned.error();
  q.pinned = *pinned;
  if (auto filtered = swagger_filters(query, q); !filtered) return filtered.error();
  return q;
}

Status require_edit(const LoadedTask& loaded) {
  if (domain::may_edit_task(domain::viewer_of(loaded.access), loaded.task)) return Ok{};
  return make_error(ErrorCode::Forbidden, "you may not change this task");
}

awaitable<Result<Reply>> write(Call& call, domain::WriteMode mode) {
  FOCUSD_CO_TRY(loaded, co_await load_task(call));
  FOCUSD_CO_CHECK(require_edit(loaded));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_task_input(body, mode, loaded.task.fields));
  const Viewer viewer = domain::viewer_of(loaded.access);
  auto updated = co_await in_store_write(call, [&](Store& s) {
    return s.update_task(loaded.access.workspace_id, loaded.task.id, viewer, in.fields, in.pinned);
  });
  if (!updated) co_return updated.error();
  co_return no_content();
}

// Archive, unarchive, delete and restore: check, act, 204.
template <class Act>
awaitable<Result<Reply>> act(Call& call, bool include_deleted, Act act_on) {
  FOCUSD_CO_TRY(loaded, co_await load_task(call, include_deleted));
  FOCUSD_CO_CHECK(require_edit(loaded));
  FOCUSD_CO_CHECK(co_await in_store_write(call, [&](Store& s) { return act_on(s, loaded.task.id); }));
  co_return no_content();
}

}  // namespace

awaitable<Result<Reply>> list_tasks(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(q, task_query(query, access));
  FOCUSD_CO_TRY(page, query.page());
  q.page = page;
  FOCUSD_CO_TRY(list, co_await in_store(call, [&](Store& s) { return s.list_tasks(q); }));
  boost::json::array data;
  for (const auto& t : list.items) data.push_back(task_json(t, access));
  co_return json_response(
      http::status::ok,
      boost::json::object{
          {"data", std::move(data)}, {"page", q.page.page}, {"per_page", q.page.per_page}, {"total", list.total}});
}

// The filters of the paged list, every matching task in one bare array, sent
// as it is read from the store (api/json_stream.h), kStreamPage at a time.
awaitable<Result<Reply>> stream_tasks(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(q, task_query(query, access));
  q.count_total = false;
  Store& store = call.services.store;
  auto next_page = [&store, q, access](const Page& page, JsonWriter& items) mutable -> Result<std::int64_t> {
    q.page = page;
    auto list = store.list_tasks(q);
    if (!list) return list.error();
    for (const auto& t : list->items) items.value(task_json(t, access));
    return static_cast<std::int64_t>(list->items.size());
  };
  co_return json_array_reply(std::move(next_page), kStreamPage);
}

awaitable<Result<Reply>> create_task(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_task_input(body, domain::WriteMode::Create));
  const Viewer viewer = domain::viewer_of(access);
  auto created = co_await in_store_write(
      call, [&](Store& s) { return s.create_task(access.workspace_id, viewer, in.fields, in.pinned.value_or(false)); });
  if (!created) co_return created.error();
  co_return json_response(http::status::created, task_json(*created, access));
}

awaitable<Result<Reply>> get_task(Call& call) {
  FOCUSD_CO_TRY(loaded, co_await load_task(call));
  co_return json_response(http::status::ok, task_json(loaded.task, loaded.access));
}

awaitable<Result<Reply>> replace_task(Call& call) {
  return write(call, domain::WriteMode::Replace);
}
awaitable<Result<Reply>> patch_task(Call& call) {
  return write(call, domain::WriteMode::Patch);
}

awaitable<Result<Reply>> delete_task(Call& call) {
  return act(call, false, [](Store& s, std::int64_t id) { return s.set_task_deleted(id, true); });
}
awaitable<Result<Reply>> restore_task(Call& call) {
  return act(call, true, [](Store& s, std::int64_t id) { return s.set_task_deleted(id, false); });
}
awaitable<Result<Reply>> archive_task(Call& call) {
  return act(call, false, [](Store& s, std::int64_t id) { return s.set_task_archived(id, true); });
}
awaitable<Result<Reply>> unarchive_task(Call& call) {
  return act(call, false, [](Store& s, std::int64_t id) { return s.set_task_archived(id, false); });
}

}  // namespace focusd::api::handlers
