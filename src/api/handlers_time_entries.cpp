// Time entries and the timer: …/tracking/{current,start,stop} and
// …/time-entries (the range list, its stream, one entry).
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <unordered_map>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_stream.h"
#include "api/json_util.h"
#include "api/task_json.h"
#include "common/json_read.h"
#include "common/strings.h"
#include "common/time.h"
#include "domain/project_tree.h"
#include "domain/task_access.h"
#include "domain/time_entries.h"
#include "domain/user_settings.h"

namespace focusd::api::handlers {

namespace {

constexpr std::int64_t kStreamPage = 500;  // entries read from the store at a time by …/time-entries/stream

// models.TimeEntry. Members the Swagger does not mark nullable are left out
// when the entry has no value for them.
boost::json::object entry_json(const TimeEntryRecord& e) {
  const TimeEntryFields& f = e.fields;
  boost::json::object o;
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
    boost::json::array ids;
    for (auto id : *f.tag_ids) ids.push_back(id);
    o["tag_ids"] = std::move(ids);
  } else {
    o["tag_ids"] = nullptr;
  }
  boost::json::array tags;
  for (const auto& tag : e.tags) {
    boost::json::object t{{"id", tag.id}, {"name", tag.name}};
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

// timeentry.TimeEntryWithTask for each entry: with its project
// (models.ProjectLite) and, when the caller sees it, its task (models.Task),
// the tasks read in one query.
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
  boost::json::array items;
  for (const auto& e : entries) {
    boost::json::object o = entry_json(e);
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

// date_from and date_to: required RFC 3339 date-times, any offset.
Result<std::string> range_end(const Query& query, const char* name) {
  auto text = query.text(name);
  if (!text) return text.error();
  if (!*text) return invalid(name, "is required (an RFC 3339 date-time)");
  auto normalized = normalize_date_time(**text);
  if (!normalized) return invalid(name, "must be an RFC 3339 date-time, e.g. 2026-01-02T00:00:00Z");
  return *normalized;
}

// type, archived and order_by, which every entry list takes.
Status read_entry_filters(const Query& query, TimeEntryQuery& q) {
  auto type = query.text("type");
  if (!type) return type.error();
  if (*type && **type != "activity" && **type != "break") return invalid("type", "must be activity or break");
  q.type = std::move(*type);
  auto archived = query.boolean("archived");
  if (!archived) return archived.error();
  q.archived = archived->value_or(false) ? ArchivedFilter::Archived : ArchivedFilter::Active;
  auto order = query.order_by({"start"});
  if (!order) return order.error();
  if (!order->empty()) q.descending = order->front().descending;
  return Ok{};
}

// The filters that the range list and its stream share.
Result<TimeEntryQuery> entry_query(const Query& query, const WorkspaceAccess& access) {
  TimeEntryQuery q;
  q.workspace_id = access.workspace_id;
  q.viewer = domain::viewer_of(access);
  auto from = range_end(query, "date_from");
  if (!from) return from.error();
  q.from = std::move(*from);
  auto to = range_end(query, "date_to");
  if (!to) return to.error();
  q.to = std::move(*to);
  if (q.to < q.from) return invalid("date_to", "must not be before date_from");
  auto task = query.ids("task_id");
  if (!task) return task.error();
  if (task->size() > 1) return invalid("task_id", "must be one task id");
  if (!task->empty()) q.task_id = task->front();
  auto taskless = query.boolean("include_taskless");
  if (!taskless) return taskless.error();
  q.include_taskless = taskless->value_or(true);
  if (auto filters = read_entry_filters(query, q); !filters) return filters.error();
  return q;
}

// ?ids=…: required, at most max_bulk_time_entries.
Result<std::vector<std::int64_t>> ids_of(const Call& call) {
  auto query = query_of(call);
  if (!query) return query.error();
  auto ids = query->ids("ids");
  if (!ids) return ids.error();
  if (ids->empty()) return invalid("ids", "is required: one or more time entry ids");
  const std::size_t most = call.services.config.max_bulk_time_entries;
  if (ids->size() > most) return invalid("ids", "at most " + std::to_string(most) + " ids");
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  return ids;
}

// The deprecated …/tasks/{task_id}/time-entries/{time_entry_id} routes: the
// entry must be the path task's, else it is a missing one.
Status on_path_task(const Call& call, const TimeEntryRecord& entry) {
  const auto task = call.params.find(PathId::Task);
  if (!task || entry.fields.task_id == task) return Ok{};
  return make_error(ErrorCode::NotFound, "time entry not found");
}

Status require_edit(const Call& call, const Viewer& viewer, const TimeEntryRecord& entry) {
  if (auto on_task = on_path_task(call, entry); !on_task) return on_task;
  if (domain::may_edit_time_entry(viewer, entry)) return Ok{};
  return make_error(ErrorCode::Forbidden,
                    "time entry " + std::to_string(entry.id) + " is another user's: only owners and admins change it");
}

// New entries of the caller or, for owners and admins, of other members;
// each takes its owner's timezone. Their ids, in order.
Result<std::vector<std::int64_t>> create_entries(Store& s, const WorkspaceAccess& access,
                                                 std::vector<domain::TimeEntryInput>& inputs) {
  std::vector<NewTimeEntry> entries;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::int64_t owner = inputs[i].user_id.value_or(access.user_id);
    if (owner != access.user_id && !access.is_admin()) {
      return make_error(ErrorCode::Forbidden, "only owners and admins create time entries for another user");
    }
    auto settings = s.user_settings(owner);
    if (!settings && settings.error().code == ErrorCode::NotFound) {
      Error refused = invalid("user_id", "is not a member of this workspace");
      return inputs.size() > 1 ? for_item(std::move(refused), i) : refused;
    }
    if (!settings) return settings.error();
    inputs[i].write.fields.timezone = domain::timezone_setting(*settings);
    entries.push_back({owner, inputs[i].write});
  }
  return s.create_time_entries(access.workspace_id, domain::viewer_of(access), entries);
}

// NotFound unless the caller sees the task.
Status task_in_sight(Store& s, std::int64_t workspace_id, std::int64_t task_id, const Viewer& viewer) {
  auto task = s.find_task(workspace_id, task_id, viewer, false);
  if (!task) return task.error();
  if (!domain::may_see_task(viewer, *task)) return make_error(ErrorCode::NotFound, "task not found");
  return Ok{};
}

// POST …/time-entries and POST …/tasks/{task_id}/time-entries: 201 with the entry.
awaitable<Result<Reply>> create_one(Call& call, std::optional<std::int64_t> task_id) {
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_time_entry_input(body, domain::EntryBody::Create, {}, now_rfc3339()));
  in.write.fields.task_id = task_id;
  FOCUSD_CO_TRY(entry, co_await in_store(call, [&](Store& s) -> Result<TimeEntryRecord> {
                  auto access = workspace_access_in(call, s);
                  if (!access) return access.error();
                  const Viewer viewer = domain::viewer_of(*access);
                  if (task_id) {
                    if (auto seen = task_in_sight(s, access->workspace_id, *task_id, viewer); !seen) {
                      return seen.error();
                    }
                  }
                  std::vector<domain::TimeEntryInput> inputs{std::move(in)};
                  auto ids = create_entries(s, *access, inputs);
                  if (!ids) return ids.error();
                  return s.find_time_entry(access->workspace_id, ids->front(), viewer);
                }));
  co_return json_response(http::status::created, entry_json(entry));
}

// Edits the entries of `ids` as `edit` says (with the caller's rights
// checked first), all or none: 204.
template <class Edit>
awaitable<Result<Reply>> edit(Call& call, const std::vector<std::int64_t>& ids, Edit edit_one) {
  FOCUSD_CO_CHECK(co_await in_store(call, [&](Store& s) -> Status {
    auto access = workspace_access_in(call, s);
    if (!access) return access.error();
    const Viewer viewer = domain::viewer_of(*access);
    const std::string now = now_rfc3339();
    return s.edit_time_entries(access->workspace_id, viewer, ids,
                               [&](const TimeEntryRecord& current) -> Result<TimeEntryWrite> {
                                 if (auto allowed = require_edit(call, viewer, current); !allowed) {
                                   return allowed.error();
                                 }
                                 return edit_one(current, now);
                               });
  }));
  co_return no_content();
}

// PUT and PATCH of the path's entry.
awaitable<Result<Reply>> edit_one(Call& call, domain::EntryBody kind) {
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  const std::vector<std::int64_t> ids{call.params.get(PathId::TimeEntry)};
  co_return co_await edit(call, ids,
                          [&](const TimeEntryRecord& current, const std::string& now) -> Result<TimeEntryWrite> {
                            auto in = domain::read_time_entry_input(body, kind, current.fields, now);
                            if (!in) return in.error();
                            return std::move(in->write);
                          });
}

// Delete, restore, archive or unarchive the entries of `ids`: 204.
awaitable<Result<Reply>> act(Call& call, const std::vector<std::int64_t>& ids, TimeEntryAct what) {
  FOCUSD_CO_CHECK(co_await in_store(call, [&](Store& s) -> Status {
    auto access = workspace_access_in(call, s);
    if (!access) return access.error();
    const Viewer viewer = domain::viewer_of(*access);
    return s.act_on_time_entries(access->workspace_id, viewer, ids, what,
                                 [&](const TimeEntryRecord& entry) { return require_edit(call, viewer, entry); });
  }));
  co_return no_content();
}

awaitable<Result<Reply>> act_on_path(Call& call, TimeEntryAct what) {
  const std::vector<std::int64_t> ids{call.params.get(PathId::TimeEntry)};
  co_return co_await act(call, ids, what);
}

awaitable<Result<Reply>> act_on_query(Call& call, TimeEntryAct what) {
  FOCUSD_CO_TRY(ids, ids_of(call));
  co_return co_await act(call, ids, what);
}

// start-from-description's lookups: the caller's live items whose name is
// `name` (case-insensitively), found through each list's name filter.
Result<std::optional<ProjectRecord>> project_named(Store& s, const WorkspaceAccess& access, const std::string& name) {
  ProjectQuery q;
  q.workspace_id = access.workspace_id;
  q.viewer = domain::viewer_of(access);
  q.name = name;
  for (q.page = Page{1, 200};; ++q.page.page) {
    auto list = s.list_projects(q);
    if (!list) return list.error();
    for (auto& p : list->items) {
      if (iequals(p.fields.name, name)) return std::optional<ProjectRecord>(std::move(p));
    }
    if (static_cast<std::int64_t>(list->items.size()) < q.page.per_page) return std::optional<ProjectRecord>{};
  }
}

Result<std::optional<CatalogItem>> tag_named(Store& s, std::int64_t workspace_id, const std::string& name) {
  CatalogQuery q;
  q.catalog = Catalog::Tags;
  q.workspace_id = workspace_id;
  q.name = name;
  for (q.page = Page{1, 200};; ++q.page.page) {
    auto list = s.list_catalog_items(q);
    if (!list) return list.error();
    for (auto& tag : list->items) {
      if (iequals(tag.name, name)) return std::optional<CatalogItem>(std::move(tag));
    }
    if (static_cast<std::int64_t>(list->items.size()) < q.page.per_page) return std::optional<CatalogItem>{};
  }
}

// A task named `name`; with `in_project`, of that project only (nullopt: of
// none); carrying every tag of `tag_ids`.
Result<std::optional<TaskRecord>> task_named(Store& s, const WorkspaceAccess& access, const std::string& name,
                                             const std::optional<std::optional<std::int64_t>>& in_project,
                                             const std::vector<std::int64_t>& tag_ids) {
  TaskQuery q;
  q.workspace_id = access.workspace_id;
  q.viewer = domain::viewer_of(access);
  q.name = name;
  q.count_total = false;
  if (in_project && *in_project) q.project_ids = {**in_project};
  if (in_project && !*in_project) q.without_project = true;
  for (q.page = Page{1, 200};; ++q.page.page) {
    auto list = s.list_tasks(q);
    if (!list) return list.error();
    for (auto& t : list->items) {
      const auto& has = t.fields.tag_ids;
      const bool tagged = std::all_of(tag_ids.begin(), tag_ids.end(), [&](std::int64_t id) {
        return std::find(has.begin(), has.end(), id) != has.end();
      });
      if (iequals(t.fields.name, name) && tagged) return std::optional<TaskRecord>(std::move(t));
    }
    if (static_cast<std::int64_t>(list->items.size()) < q.page.per_page) return std::optional<TaskRecord>{};
  }
}

// Resolves the project, the tags and the task of a start-from-description
// (creating what it may), then starts the timer on the task:
// extensiontracking.StartFromDescriptionResult.
Result<boost::json::object> start_described(Store& s, const WorkspaceAccess& access, domain::StartFromDescription& in) {
  const Viewer viewer = domain::viewer_of(access);
  auto running = s.running_time_entry(access.workspace_id, viewer);
  if (running) {
    return make_error(ErrorCode::Conflict, "cannot track multiple time entries at the same time: stop the running one");
  }
  if (running.error().code != ErrorCode::NotFound) return running.error();

  boost::json::object result{{"resolution_strategy", in.strategy},
                             {"project_created", false},
                             {"project_resolved", false},
                             {"task_created", false}};
  std::optional<std::int64_t> project_id;
  if (in.project_name) {
    auto found = project_named(s, access, *in.project_name);
    if (!found) return found.error();
    if (!*found && in.create_project) {
      ProjectFields fields;
      fields.name = *in.project_name;
      auto created = s.create_project(access.workspace_id, viewer, fields, false, domain::check_placement);
      if (!created) return created.error();
      *found = std::move(*created);
      result["project_created"] = true;
    }
    if (*found) project_id = (*found)->id;
    result["project_resolved"] = project_id.has_value();
  }
  std::vector<std::int64_t> tag_ids;
  boost::json::array tags_created, tags_not_found;
  for (const auto& name : in.tag_names) {
    auto tag = tag_named(s, access.workspace_id, name);
    if (!tag) return tag.error();
    if (!*tag && in.create_tags) {
      auto created = s.create_catalog_item(Catalog::Tags, access.workspace_id, viewer.user_id, name, std::nullopt);
      if (!created) return created.error();
      *tag = std::move(*created);
      tags_created.emplace_back(name);
    }
    if (*tag) {
      tag_ids.push_back((*tag)->id);
    } else {
      tags_not_found.emplace_back(name);
    }
  }
  result["tags_created"] = std::move(tags_created);
  result["tags_not_found"] = tags_not_found;

  // name: any project; name_project: the project named (or none); name_project_tags: and every tag.
  std::optional<TaskRecord> task;
  const bool by_project = in.strategy != "name";
  const bool by_tags = in.strategy == "name_project_tags";
  if (!(by_project && in.project_name && !project_id) && !(by_tags && !tags_not_found.empty())) {
    std::optional<std::optional<std::int64_t>> in_project;  // unset: any project
    if (by_project) in_project = project_id;
    auto found = task_named(s, access, in.name, in_project, by_tags ? tag_ids : std::vector<std::int64_t>{});
    if (!found) return found.error();
    task = std::move(*found);
  }
  result["match_reason"] = task ? in.strategy : "created";
  if (!task) {
    if (!in.create_task) {
      return make_error(ErrorCode::NotFound,
                        "no task matches (" + in.strategy + "); send create_task_if_not_found: true to create it");
    }
    in.new_task.project_id = project_id;
    in.new_task.tag_ids = tag_ids;
    auto created = s.create_task(access.workspace_id, viewer, in.new_task, false);
    if (!created) return created.error();
    task = std::move(*created);
    result["task_created"] = true;
  }
  auto settings = s.user_settings(viewer.user_id);
  if (!settings) return settings.error();
  in.timer.task_id = task->id;
  in.timer.timezone = domain::timezone_setting(*settings);
  auto started = s.start_time_entry(access.workspace_id, viewer, in.timer);
  if (!started) return started.error();
  result["task"] = task_json(*task, access);
  result["time_entry"] = entry_json(*started);
  return result;
}

// The planning operations: 501 naming the operation, once the caller may
// see the workspace (and the path's entry, if it names one).
awaitable<Result<Reply>> not_planned(Call& call, const char* operation) {
  FOCUSD_CO_CHECK(co_await in_store(call, [&](Store& s) -> Status {
    auto access = workspace_access_in(call, s);
    if (!access) return access.error();
    const auto id = call.params.find(PathId::TimeEntry);
    if (!id) return Ok{};
    auto entry = s.find_time_entry(access->workspace_id, *id, domain::viewer_of(*access));
    if (!entry) return entry.error();
    return Ok{};
  }));
  co_return make_error(ErrorCode::NotImplemented,
                       std::string(operation) + " is not served: focusd tracks time, it does not plan it");
}

}  // namespace

awaitable<Result<Reply>> current_time_entry(Call& call) {
  // Access and the read share one trip to the blocking pool.
  auto current = co_await in_store(call, [&](Store& s) -> Result<std::optional<TimeEntryRecord>> {
    auto access = workspace_access_in(call, s);
    if (!access) return access.error();
    auto running = s.running_time_entry(access->workspace_id, domain::viewer_of(*access));
    if (!running && running.error().code == ErrorCode::NotFound) return std::optional<TimeEntryRecord>{};
    if (!running) return running.error();
    return std::optional<TimeEntryRecord>(std::move(running).value());
  });
  if (!current) co_return current.error();
  if (!*current) co_return no_content();  // nothing runs: 204, no body
  co_return json_response(http::status::ok, entry_json(**current));
}

awaitable<Result<Reply>> start_tracking(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(fields, domain::read_start_tracking(body, now_rfc3339()));
  const Viewer viewer = domain::viewer_of(access);
  auto started = co_await in_store(call, [&](Store& s) -> Result<TimeEntryRecord> {
    auto settings = s.user_settings(viewer.user_id);  // the entry keeps its owner's timezone of the moment
    if (!settings) return settings.error();
    fields.timezone = domain::timezone_setting(*settings);
    return s.start_time_entry(access.workspace_id, viewer, fields);
  });
  if (!started) co_return started.error();
  co_return json_response(http::status::ok, entry_json(*started));
}

awaitable<Result<Reply>> stop_tracking(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  boost::json::object body;  // no body at all: stop now
  if (!call.request.body().empty()) {
    FOCUSD_CO_TRY(parsed, parse_json_object(call.request.body()));
    body = std::move(parsed);
  }
  FOCUSD_CO_TRY(stop, domain::read_stop_tracking(body, now_rfc3339()));
  const Viewer viewer = domain::viewer_of(access);
  auto stopped =
      co_await in_store(call, [&](Store& s) { return s.stop_time_entry(access.workspace_id, viewer, stop); });
  if (!stopped) co_return stopped.error();
  co_return json_response(http::status::ok, entry_json(*stopped));
}

awaitable<Result<Reply>> list_time_entries(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(q, entry_query(query, access));
  FOCUSD_CO_TRY(page, query.page());
  q.page = page;
  FOCUSD_CO_TRY(data, co_await in_store(call, [&](Store& s) -> Result<boost::json::array> {
                  auto entries = s.list_time_entries(q);
                  if (!entries) return entries.error();
                  return entries_with_tasks_json(s, *entries, access);
                }));
  co_return json_response(
      http::status::ok,
      boost::json::object{{"data", std::move(data)}, {"page", page.page}, {"per_page", page.per_page}});
}

// The list's filters, every matching entry in one bare array, sent as it is
// read (api/json_stream.h).
awaitable<Result<Reply>> stream_time_entries(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(q, entry_query(query, access));
  Store& store = call.services.store;
  auto next_page = [&store, q, access](const Page& page) mutable -> Result<boost::json::array> {
    q.page = page;
    auto entries = store.list_time_entries(q);
    if (!entries) return entries.error();
    return entries_with_tasks_json(store, *entries, access);
  };
  co_return json_array_reply(std::move(next_page), kStreamPage);
}

// The entries of the path's task (models.Page-models_TimeEntry): visible as
// the task is, then each entry as the caller may see it.
awaitable<Result<Reply>> list_task_time_entries(Call& call) {
  FOCUSD_CO_TRY(query, query_of(call));
  TimeEntryQuery q;
  q.from = "0000-01-01T00:00:00Z";  // every start
  q.to = "9999-12-31T23:59:59Z";
  q.task_id = call.params.get(PathId::Task);
  FOCUSD_CO_CHECK(read_entry_filters(query, q));
  FOCUSD_CO_TRY(page, query.page());
  q.page = page;
  // Access, the task and its entries in one trip to the blocking pool.
  FOCUSD_CO_TRY(entries, co_await in_store(call, [&](Store& s) -> Result<std::vector<TimeEntryRecord>> {
                  auto access = workspace_access_in(call, s);
                  if (!access) return access.error();
                  q.workspace_id = access->workspace_id;
                  q.viewer = domain::viewer_of(*access);
                  auto task = s.find_task(q.workspace_id, *q.task_id, q.viewer, false);
                  if (!task) return task.error();
                  if (!domain::may_see_task(q.viewer, *task)) return make_error(ErrorCode::NotFound, "task not found");
                  return s.list_time_entries(q);
                }));
  boost::json::array data;
  for (const auto& e : entries) data.push_back(entry_json(e));
  co_return json_response(
      http::status::ok,
      boost::json::object{{"data", std::move(data)}, {"page", page.page}, {"per_page", page.per_page}});
}

awaitable<Result<Reply>> get_time_entry(Call& call) {
  const std::int64_t id = call.params.get(PathId::TimeEntry);
  FOCUSD_CO_TRY(entry, co_await in_store(call, [&](Store& s) -> Result<TimeEntryRecord> {
                  auto access = workspace_access_in(call, s);
                  if (!access) return access.error();
                  auto found = s.find_time_entry(access->workspace_id, id, domain::viewer_of(*access));
                  if (!found) return found;
                  if (auto on_task = on_path_task(call, *found); !on_task) return on_task.error();
                  return found;
                }));
  co_return json_response(http::status::ok, entry_json(entry));
}

// POST …/tracking/start-from-description: 200 with what was found, made and started.
awaitable<Result<Reply>> start_tracking_from_description(Call& call) {
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_start_from_description(body, now_rfc3339()));
  FOCUSD_CO_TRY(result, co_await in_store(call, [&](Store& s) -> Result<boost::json::object> {
                  auto access = workspace_access_in(call, s);
                  if (!access) return access.error();
                  return start_described(s, *access, in);
                }));
  co_return json_response(http::status::ok, result);
}

awaitable<Result<Reply>> create_time_entry(Call& call) {
  return create_one(call, std::nullopt);
}
awaitable<Result<Reply>> create_task_time_entry(Call& call) {
  return create_one(call, call.params.get(PathId::Task));
}

awaitable<Result<Reply>> replace_time_entry(Call& call) {
  return edit_one(call, domain::EntryBody::Replace);
}
awaitable<Result<Reply>> patch_time_entry(Call& call) {
  return edit_one(call, domain::EntryBody::Patch);
}

awaitable<Result<Reply>> delete_time_entry(Call& call) {
  return act_on_path(call, TimeEntryAct::Delete);
}
awaitable<Result<Reply>> restore_time_entry(Call& call) {
  return act_on_path(call, TimeEntryAct::Restore);
}
awaitable<Result<Reply>> archive_time_entry(Call& call) {
  return act_on_path(call, TimeEntryAct::Archive);
}
awaitable<Result<Reply>> unarchive_time_entry(Call& call) {
  return act_on_path(call, TimeEntryAct::Unarchive);
}
awaitable<Result<Reply>> bulk_delete_time_entries(Call& call) {
  return act_on_query(call, TimeEntryAct::Delete);
}
awaitable<Result<Reply>> bulk_restore_time_entries(Call& call) {
  return act_on_query(call, TimeEntryAct::Restore);
}

// GET …/time-entries/batch?ids=…: the live entries the caller sees, by id.
awaitable<Result<Reply>> batch_time_entries(Call& call) {
  FOCUSD_CO_TRY(ids, ids_of(call));
  FOCUSD_CO_TRY(entries, co_await in_store(call, [&](Store& s) -> Result<std::vector<TimeEntryRecord>> {
                  auto access = workspace_access_in(call, s);
                  if (!access) return access.error();
                  return s.time_entries_by_ids(access->workspace_id, ids, domain::viewer_of(*access));
                }));
  boost::json::array data;
  for (const auto& e : entries) data.push_back(entry_json(e));
  co_return json_response(http::status::ok, data);
}

// POST …/time-entries/bulk: an array of timeentry.BulkCreatePayload, all or none: 204.
awaitable<Result<Reply>> bulk_create_time_entries(Call& call) {
  FOCUSD_CO_TRY(items, parse_json_array(call.request.body()));
  const std::size_t most = call.services.config.max_bulk_time_entries;
  if (items.empty()) co_return invalid("body", "must hold at least one time entry");
  if (items.size() > most) co_return invalid("body", "holds more than " + std::to_string(most) + " time entries");
  const std::string now = now_rfc3339();
  std::vector<domain::TimeEntryInput> inputs;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object()) co_return for_item(invalid("body", "must be a JSON object"), i);
    auto in = domain::read_time_entry_input(items[i].as_object(), domain::EntryBody::BulkCreate, {}, now);
    if (!in) co_return for_item(in.error(), i);
    inputs.push_back(std::move(*in));
  }
  FOCUSD_CO_CHECK(co_await in_store(call, [&](Store& s) -> Status {
    auto access = workspace_access_in(call, s);
    if (!access) return access.error();
    auto ids = create_entries(s, *access, inputs);
    if (!ids) return ids.error();
    return Ok{};
  }));
  co_return no_content();
}

// PATCH …/time-entries/bulk: an array of timeentry.PartialUpdatePayloadWithID, all or none: 204.
awaitable<Result<Reply>> bulk_patch_time_entries(Call& call) {
  FOCUSD_CO_TRY(items, parse_json_array(call.request.body()));
  const std::size_t most = call.services.config.max_bulk_time_entries;
  if (items.empty()) co_return invalid("body", "must hold at least one time entry");
  if (items.size() > most) co_return invalid("body", "holds more than " + std::to_string(most) + " time entries");
  std::vector<std::int64_t> ids;
  std::map<std::int64_t, std::pair<std::size_t, boost::json::object>> patches;  // by id: item index, body
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object()) co_return for_item(invalid("body", "must be a JSON object"), i);
    boost::json::object patch = items[i].as_object();
    const auto* id_value = patch.if_contains("id");
    if (!id_value) co_return for_item(invalid("id", "is required"), i);
    auto id = json_read::id(*id_value, "id");
    if (!id) co_return for_item(id.error(), i);
    patch.erase("id");
    if (!patches.emplace(*id, std::pair{i, std::move(patch)}).second) {
      co_return for_item(invalid("id", "names an entry already in this request"), i);
    }
    ids.push_back(*id);
  }
  co_return co_await edit(
      call, ids, [&](const TimeEntryRecord& current, const std::string& now) -> Result<TimeEntryWrite> {
        const auto& [index, patch] = patches.at(current.id);
        auto in = domain::read_time_entry_input(patch, domain::EntryBody::Patch, current.fields, now);
        if (!in) return for_item(in.error(), index);
        return std::move(in->write);
      });
}

// PATCH …/time-entries/bulk-edit: {ids, changes}, one change for every entry, all or none: 204.
awaitable<Result<Reply>> bulk_edit_time_entries(Call& call) {
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_CHECK(json_read::only(body, {"changes", "ids"}));
  const auto* ids_value = body.if_contains("ids");
  if (!ids_value) co_return invalid("ids", "is required: one or more time entry ids");
  FOCUSD_CO_TRY(ids, json_read::ids(*ids_value, "ids", call.services.config.max_bulk_time_entries));
  if (ids.empty()) co_return invalid("ids", "must hold at least one time entry id");
  const auto* changes = body.if_contains("changes");
  if (!changes) co_return invalid("changes", "is required");
  if (!changes->is_object()) co_return invalid("changes", "must be a JSON object");
  const boost::json::object& patch = changes->as_object();
  co_return co_await edit(
      call, ids, [&](const TimeEntryRecord& current, const std::string& now) -> Result<TimeEntryWrite> {
        auto in = domain::read_time_entry_input(patch, domain::EntryBody::Patch, current.fields, now);
        if (!in) return in.error();
        return std::move(in->write);
      });
}

// The planning operations: focusd tracks time, it does not plan it.
awaitable<Result<Reply>> set_day_duration(Call& call) {
  return not_planned(call, "set-day-duration-with-org");
}
awaitable<Result<Reply>> bulk_set_day_duration(Call& call) {
  return not_planned(call, "bulk-set-day-duration-with-org");
}
awaitable<Result<Reply>> stream_time_block_ids(Call& call) {
  return not_planned(call, "list-stream-time-entries-time-block-ids-with-org");
}
awaitable<Result<Reply>> log_planned_time(Call& call) {
  return not_planned(call, "log-planned-time-with-org");
}

}  // namespace focusd::api::handlers
