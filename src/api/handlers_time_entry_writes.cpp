// Time entries written directly: create (one, or in bulk), PUT, PATCH (one,
// in bulk, bulk-edit), delete, restore, archive, unarchive, the batch read,
// and the planning operations that focusd answers 501.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "api/time_entry_views.h"
#include "common/json_read.h"
#include "common/time.h"
#include "domain/task_access.h"
#include "domain/time_entries.h"
#include "domain/user_settings.h"

namespace focusd::api::handlers {

namespace {

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
  FOCUSD_CO_TRY(entry, co_await in_store_write(call, [&](Store& s) -> Result<TimeEntryRecord> {
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
  co_return entry_response(http::status::created, entry);
}

// Edits the entries of `ids` as `edit` says (with the caller's rights
// checked first), all or none: 204.
template <class Edit>
awaitable<Result<Reply>> edit(Call& call, const std::vector<std::int64_t>& ids, Edit edit_one) {
  FOCUSD_CO_CHECK(co_await in_store_write(call, [&](Store& s) -> Status {
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
  FOCUSD_CO_CHECK(co_await in_store_write(call, [&](Store& s) -> Status {
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
  co_return entries_response(entries);
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
  FOCUSD_CO_CHECK(co_await in_store_write(call, [&](Store& s) -> Status {
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
