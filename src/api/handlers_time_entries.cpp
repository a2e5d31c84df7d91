// Time entries and the timer: …/tracking/{current,start,stop} and
// …/time-entries (the range list, its stream, one entry).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_stream.h"
#include "api/json_util.h"
#include "common/time.h"
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

// timeentry.TimeEntryWithTask: the entry with its project (models.ProjectLite,
// with the caller's permissions on it).
boost::json::object entry_with_project_json(const TimeEntryRecord& e, const WorkspaceAccess& access) {
  boost::json::object o = entry_json(e);
  if (e.fields.project_id) {
    boost::json::array permissions;
    for (const auto& p : domain::permissions(access, e.project_role, e.project_private)) permissions.emplace_back(p);
    boost::json::object project{{"id", *e.fields.project_id},   {"name", e.project_name.value_or("")},
                                {"private", e.project_private}, {"draft", false},
                                {"is_template", false},         {"permissions", std::move(permissions)}};
    if (e.project_color) project["color"] = *e.project_color;
    o["project"] = std::move(project);
  }
  return o;
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
  FOCUSD_CO_TRY(entries, co_await in_store(call, [&](Store& s) { return s.list_time_entries(q); }));
  boost::json::array data;
  for (const auto& e : entries) data.push_back(entry_with_project_json(e, access));
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
    boost::json::array items;
    for (const auto& e : *entries) items.push_back(entry_with_project_json(e, access));
    return items;
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
                  return s.find_time_entry(access->workspace_id, id, domain::viewer_of(*access));
                }));
  co_return json_response(http::status::ok, entry_json(entry));
}

}  // namespace focusd::api::handlers
