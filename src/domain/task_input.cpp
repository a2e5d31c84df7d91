#include "domain/task_input.h"

#include <algorithm>
#include <string_view>

#include "common/json_read.h"

namespace focusd::domain {

namespace {

constexpr std::int64_t kMaxMinutes = 100LL * 365 * 24 * 60;

constexpr std::string_view kFields[] = {"name",       "project_id", "parent_task_id", "description", "estimated_mins",
                                        "start_date", "end_date",   "priority",       "private",     "billable",
                                        "position",   "pinned",     "tag_ids",        "status_id"};

// Fields of the Swagger's task payloads for what focusd does not have, and
// why: each takes the value every task here has (the one GET answers, where
// it answers one) or none (json_read::is_none), so that Swagger-generated
// clients, which send them all, work; any other value is a 400 naming it.
struct Unsupported {
  std::string_view field;
  std::string_view answered;  // what GET answers, also accepted; empty: none
  std::string_view why;
};
constexpr Unsupported kUnsupported[] = {
    {"allocation_unit", "flat", "focusd does not allocate estimates"},
    {"assignee_user_ids", "", "focusd has no assignees"},
    {"auto_log_time", "", "focusd logs no time by itself"},
    {"color", "", "focusd has no task colors"},
    {"custom_fields", "", "focusd has no custom fields"},
    {"estimate_type", "total", "focusd has no daily estimates"},
    {"integration_ext_id", "", "focusd has no integrations"},
    {"integration_source", "", "focusd has no integrations"},
    {"notes", "", "focusd has no task notes"},
    {"outbound_sync", "", "focusd syncs nothing out"},
    {"priority_at", "", "focusd keeps no priority dates"},
    {"recurring_task_id", "", "focusd has no recurring tasks"},
    {"rrule", "", "focusd has no recurring tasks"},
    {"team_assignee_ids", "", "focusd has no assignees"},
};

const Unsupported* unsupported(std::string_view key) {
  for (const auto& u : kUnsupported) {
    if (u.field == key) return &u;
  }
  return nullptr;
}

Status check_unsupported(const Unsupported& u, const boost::json::value& v) {
  if (json_read::is_none(v) || (!u.answered.empty() && v.is_string() && v.get_string() == u.answered)) return Ok{};
  const std::string accepted =
      u.answered.empty() ? "none (null, false, 0, \"\", [] or {})" : "\"" + std::string(u.answered) + "\" or null";
  return invalid(std::string(u.field), "must be " + accepted + ": " + std::string(u.why));
}

Status apply(std::string_view key, const boost::json::value& v, TaskInput& in) {
  TaskFields& f = in.fields;
  using json_read::nullable;
  if (key == "name") {
    auto name = json_read::name(v, "name", 255);
    if (!name) return name.error();
    f.name = std::move(*name);
    return Ok{};
  }
  if (key == "project_id") return nullable(v, f.project_id, [](auto& x) { return json_read::id(x, "project_id"); });
  if (key == "parent_task_id") {
    return nullable(v, f.parent_task_id, [](auto& x) { return json_read::id(x, "parent_task_id"); });
  }
  if (key == "description") {
    return nullable(v, f.description, [](auto& x) { return json_read::text(x, "description", 10000); });
  }
  if (key == "estimated_mins") {
    return nullable(v, f.estimated_mins,
                    [](auto& x) { return json_read::integer(x, "estimated_mins", 0, kMaxMinutes); });
  }
  if (key == "start_date") return nullable(v, f.start_date, [](auto& x) { return json_read::date(x, "start_date"); });
  if (key == "end_date") return nullable(v, f.end_date, [](auto& x) { return json_read::date(x, "end_date"); });
  if (key == "status_id") {
    if (!v.is_null()) return invalid("status_id", "no such status (focusd has no statuses yet; send null)");
    return Ok{};
  }
  if (key == "priority") {
    auto priority = json_read::text(v, "priority", 16);
    if (!priority || (*priority != "none" && *priority != "low" && *priority != "medium" && *priority != "high")) {
      return invalid("priority", "must be none, low, medium or high");
    }
    f.priority = *priority;
    return Ok{};
  }
  if (key == "position") {
    if (v.is_null()) {  // x-nullable in the Swagger: no place of its own, the first
      f.position = 0;
      return Ok{};
    }
    auto position = json_read::integer(v, "position", 0, INT32_MAX);
    if (!position) return position.error();
    f.position = *position;
    return Ok{};
  }
  if (key == "tag_ids") {
    std::optional<std::vector<std::int64_t>> ids;
    if (auto status = nullable(v, ids, [](auto& x) { return json_read::ids(x, "tag_ids"); }); !status) return status;
    f.tag_ids = ids.value_or(std::vector<std::int64_t>{});
    return Ok{};
  }
  auto flag = json_read::boolean(v, key);  // private, billable, pinned
  if (!flag) return flag.error();
  if (key == "private") f.is_private = *flag;
  if (key == "billable") f.billable = *flag;
  if (key == "pinned") in.pinned = *flag;
  return Ok{};
}

}  // namespace

Result<TaskInput> read_task_input(const boost::json::object& body, WriteMode mode, const TaskFields& current) {
  TaskInput in;
  if (mode == WriteMode::Patch) in.fields = current;
  for (const auto& member : body) {
    const std::string_view key = member.key();
    if (const auto* u = unsupported(key)) {
      if (auto status = check_unsupported(*u, member.value()); !status) return status.error();
      continue;
    }
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields)) {
      return invalid(std::string(key), "is not a task field focusd supports");
    }
    if (auto status = apply(key, member.value(), in); !status) return status.error();
  }
  if (mode != WriteMode::Patch && !body.contains("name")) return invalid("name", "is required");
  // PUT resets what it omits, the caller's pin too (a flag: false).
  if (mode == WriteMode::Replace && !in.pinned) in.pinned = false;
  if (in.fields.start_date && in.fields.end_date && *in.fields.end_date < *in.fields.start_date) {
    return invalid("end_date", "must not be before start_date");
  }
  return in;
}

}  // namespace focusd::domain
