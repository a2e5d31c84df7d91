// Time entries and the timer: …/tracking/{current,start,stop} and the reads
// of …/time-entries (the range list, its stream, one entry, a task's).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_stream.h"
#include "api/json_util.h"
#include "api/time_entry_views.h"
#include "common/time.h"
#include "domain/task_access.h"
#include "domain/time_entries.h"
#include "domain/user_settings.h"

namespace focusd::api::handlers {

namespace {

constexpr std::int64_t kStreamPage = 500;  // entries read from the store at a time by …/time-entries/stream

// date_from and date_to: required RFC 3339 date-times, any offset.
Result<std::string> range_end(const Query& query, const char* name) {
  auto value = query.date_time(name);
  if (!value) return value.error();
  if (!*value) return invalid(name, "is required (an RFC 3339 date-time)");
  return std::move(**value);
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
  auto order = query.order_by({"start", "task_id", "created_at", "updated_at"});
  if (!order) return order.error();
  q.order = std::move(*order);
  return Ok{};
}

// status_id and time_block_id: focusd has no statuses and no time blocks, so
// a filter on either (a valid id) matches no entry.
Result<bool> matches_nothing(const Query& query, std::initializer_list<const char*> filters) {
  bool nothing = false;
  for (const char* name : filters) {
    auto ids = query.ids(name);
    if (!ids) return ids.error();
    nothing = nothing || !ids->empty();
  }
  return nothing;
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
  auto nothing = matches_nothing(query, {"status_id", "time_block_id"});
  if (!nothing) return nothing.error();
  if (*nothing) q.to = q.from;                           // an empty range
  auto expand = query.boolean("expand_calendar_event");  // no calendar events to expand
  if (!expand) return expand.error();
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
  co_return entry_response(http::status::ok, **current);
}

awaitable<Result<Reply>> start_tracking(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(fields, domain::read_start_tracking(body, now_rfc3339()));
  const Viewer viewer = domain::viewer_of(access);
  auto started = co_await in_store_write(call, [&](Store& s) -> Result<TimeEntryRecord> {
    auto settings = s.user_settings(viewer.user_id);  // the entry keeps its owner's timezone of the moment
    if (!settings) return settings.error();
    fields.timezone = domain::timezone_setting(*settings);
    return s.start_time_entry(access.workspace_id, viewer, fields, domain::check_stop_by_start);
  });
  if (!started) co_return started.error();
  co_return entry_response(http::status::ok, *started);
}

awaitable<Result<Reply>> stop_tracking(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  boost::json::object body;  // no body at all (or `null`, as SDKs send for none): stop now
  if (!says_nothing(call.request.body())) {
    FOCUSD_CO_TRY(parsed, parse_json_object(call.request.body()));
    body = std::move(parsed);
  }
  FOCUSD_CO_TRY(stop, domain::read_stop_tracking(body, now_rfc3339()));
  const Viewer viewer = domain::viewer_of(access);
  auto stopped = co_await in_store_write(
      call, [&](Store& s) { return s.stop_time_entry(access.workspace_id, viewer, stop, domain::check_stop); });
  if (!stopped) co_return stopped.error();
  co_return entry_response(http::status::ok, *stopped);
}

// One trip to the blocking pool checks access, reads the query and the page.
awaitable<Result<Reply>> list_time_entries(Call& call) {
  FOCUSD_CO_TRY(text, co_await in_store(call, [&](Store& s) -> Result<std::string> {
                  auto access = workspace_access_in(call, s);
                  if (!access) return access.error();
                  auto query = query_of(call);
                  if (!query) return query.error();
                  auto q = entry_query(*query, *access);
                  if (!q) return q.error();
                  auto page = query->page();
                  if (!page) return page.error();
                  q->page = *page;
                  auto entries = s.list_time_entries(*q);
                  if (!entries) return entries.error();
                  std::string out;
                  out.reserve(512 * (entries->size() + 1));  // about what an entry takes
                  JsonWriter w(out);
                  w.begin_object().key("data").begin_array();
                  if (auto written = write_entries_with_tasks(w, s, *entries, *access); !written) {
                    return written.error();
                  }
                  w.end_array().key("page").number(page->page).key("per_page").number(page->per_page).end_object();
                  return out;
                }));
  co_return json_text_response(http::status::ok, std::move(text));
}

// The list's filters, every matching entry in one bare array, sent as it is
// read (api/json_stream.h).
awaitable<Result<Reply>> stream_time_entries(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(q, entry_query(query, access));
  Store& store = call.services.store;
  auto next_page = [&store, q, access](const Page& page, JsonWriter& items) mutable -> Result<std::int64_t> {
    q.page = page;
    auto entries = store.list_time_entries(q);
    if (!entries) return entries.error();
    if (auto written = write_entries_with_tasks(items, store, *entries, access); !written) return written.error();
    return static_cast<std::int64_t>(entries->size());
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
  FOCUSD_CO_TRY(nothing, matches_nothing(query, {"time_block_id"}));
  if (nothing) q.to = q.from;  // an empty range
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
  std::string text;
  JsonWriter w(text);
  w.begin_object().key("data").begin_array();
  for (const auto& e : entries) write_entry(w, e);
  w.end_array().key("page").number(page.page).key("per_page").number(page.per_page).end_object();
  co_return json_text_response(http::status::ok, std::move(text));
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
  co_return entry_response(http::status::ok, entry);
}

}  // namespace focusd::api::handlers
