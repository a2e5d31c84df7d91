#include "domain/time_entries.h"

#include <utility>

#include "common/json_read.h"
#include "common/time.h"
#include "domain/project_access.h"

namespace focusd::domain {

namespace {

constexpr std::size_t kMaxDescriptionBytes = 3000;

Result<std::string> date_time(const boost::json::value& v, const char* field) {
  if (!v.is_string()) return invalid(field, "must be an RFC 3339 date-time");
  auto normalized = normalize_date_time(v.as_string());
  if (!normalized) return invalid(field, "must be an RFC 3339 date-time, e.g. 2026-01-02T15:04:05Z");
  return *normalized;
}

}  // namespace

bool may_see_time_entry(const Viewer& viewer, const TimeEntryRecord& entry) {
  if (viewer.sees_all || entry.user_id == viewer.user_id) return true;
  return entry.fields.project_id && can_see(viewer, entry.project_role, entry.project_private);
}

std::int64_t duration_of(const TimeEntryFields& fields) {
  const std::int64_t start = unix_seconds(fields.start).value_or(0);
  if (!fields.stop) return -start;
  return unix_seconds(*fields.stop).value_or(start) - start;
}

Result<TimeEntryFields> read_start_tracking(const boost::json::object& body, const std::string& now) {
  if (auto known = json_read::only(body, {"billable", "calendar_event_id", "description", "project_id", "start",
                                          "tag_ids", "task_id", "time_block_id", "type"});
      !known) {
    return known.error();
  }
  TimeEntryFields f;
  const auto* type = body.if_contains("type");
  if (!type) return invalid("type", "is required");
  if (!type->is_string() || (type->as_string() != "activity" && type->as_string() != "break")) {
    return invalid("type", "must be activity or break");
  }
  f.type = std::string(type->as_string());
  f.start = now;
  if (const auto* start = body.if_contains("start"); start && !start->is_null()) {
    auto value = date_time(*start, "start");
    if (!value) return value.error();
    f.start = std::move(*value);
  }
  using json_read::nullable;
  for (const auto& id_field : {std::pair{"task_id", &f.task_id}, std::pair{"project_id", &f.project_id}}) {
    const char* name = id_field.first;
    if (const auto* v = body.if_contains(name)) {
      if (auto read = nullable(*v, *id_field.second, [name](auto& x) { return json_read::id(x, name); }); !read) {
        return read.error();
      }
    }
  }
  if (const auto* v = body.if_contains("description")) {
    auto read =
        nullable(*v, f.description, [](auto& x) { return json_read::text(x, "description", kMaxDescriptionBytes); });
    if (!read) return read.error();
  }
  if (const auto* v = body.if_contains("billable"); v && !v->is_null()) {
    auto billable = json_read::boolean(*v, "billable");
    if (!billable) return billable.error();
    f.billable = *billable;
  }
  if (const auto* v = body.if_contains("tag_ids"); v && !v->is_null()) {
    auto ids = json_read::ids(*v, "tag_ids");
    if (!ids) return ids.error();
    f.tag_ids = std::move(*ids);
  }
  for (const char* unsupported : {"calendar_event_id", "time_block_id"}) {
    if (const auto* v = body.if_contains(unsupported); v && !v->is_null()) {
      return invalid(unsupported, "must be null: focusd has no calendar events or time blocks");
    }
  }
  return f;
}

Result<std::string> read_stop_tracking(const boost::json::object& body, const std::string& now) {
  if (auto known = json_read::only(body, {"end"}); !known) return known.error();
  const auto* end = body.if_contains("end");
  if (!end || end->is_null()) return now;
  return date_time(*end, "end");
}

}  // namespace focusd::domain
