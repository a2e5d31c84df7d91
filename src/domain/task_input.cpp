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
