#include "domain/time_entries.h"

#include <utility>

#include "common/json_read.h"
#include "common/time.h"
#include "domain/project_access.h"

namespace focusd::domain {

namespace {

constexpr std::size_t kMaxDescriptionBytes = 3000;
constexpr std::int64_t kMaxDurationSeconds = std::int64_t{3660} * 86400;  // 10 years
constexpr std::size_t kMaxTags = 100;

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
    f.start = *value;
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
  f.billable_from_task = true;  // the task's (else the project's), unless given
  if (const auto* v = body.if_contains("billable"); v && !v->is_null()) {
    auto billable = json_read::boolean(*v, "billable");
    if (!billable) return billable.error();
    f.billable = *billable;
    f.billable_from_task = false;
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

bool may_edit_time_entry(const Viewer& viewer, const TimeEntryRecord& entry) {
  return viewer.sees_all || entry.user_id == viewer.user_id;
}

namespace {

Status read_type(const boost::json::object& body, bool required, TimeEntryFields& f) {
  const auto* type = body.if_contains("type");
  if (!type) return required ? Status(invalid("type", "is required")) : Status(Ok{});
  if (!type->is_string() || (type->as_string() != "activity" && type->as_string() != "break")) {
    return invalid("type", "must be activity or break");
  }
  f.type = std::string(type->as_string());
  return Ok{};
}

// start and its alias tracked_at: nullopt when neither is given.
Result<std::optional<std::string>> read_start(const boost::json::object& body) {
  std::optional<std::string> start;
  for (const char* name : {"start", "tracked_at"}) {
    const auto* v = body.if_contains(name);
    if (!v) continue;
    if (v->is_null()) return invalid(name, "must be a date-time: focusd has no planned entries");
    auto value = date_time(*v, name);
    if (!value) return value.error();
    if (start && *start != *value) return invalid(name, "must be the same time as start");
    start = std::move(*value);
  }
  return start;
}

// An id member that null clears; absent leaves `target` as it is.
Status read_nullable_id(const boost::json::object& body, const char* name, std::optional<std::int64_t>& target) {
  const auto* v = body.if_contains(name);
  if (!v) return Ok{};
  return json_read::nullable(*v, target, [name](auto& x) { return json_read::id(x, name); });
}

}  // namespace

Result<TimeEntryInput> read_time_entry_input(const boost::json::object& body, EntryBody kind,
                                             const TimeEntryFields& current, const std::string& now) {
  const bool creating = kind == EntryBody::Create || kind == EntryBody::BulkCreate;
  Status known = Ok{};
  switch (kind) {
    case EntryBody::Create:
      known = json_read::only(
          body, {"billable", "calendar_event_id", "description", "duration", "planned_at", "planned_duration",
                 "planned_start", "project_id", "start", "tag_ids", "time_block_id", "tracked_at", "type", "user_id"});
      break;
    case EntryBody::BulkCreate:
      known = json_read::only(body, {"billable", "calendar_event_id", "description", "duration", "planned_at",
                                     "planned_duration", "planned_start", "project_id", "start", "tag_ids", "task_id",
                                     "time_block_id", "tracked_at", "type", "user_id"});
      break;
    case EntryBody::Replace:
      known = json_read::only(body, {"calendar_event_id", "description", "duration", "planned_at", "planned_duration",
                                     "planned_start", "start", "tag_ids", "time_block_id", "tracked_at", "type"});
      break;
    case EntryBody::Patch:
      known = json_read::only(
          body, {"billable", "description", "duration", "planned_at", "planned_duration", "planned_start", "project_id",
                 "reset_billable_to_default", "start", "tag_ids", "task_id", "time_block_id", "tracked_at", "type"});
      break;
  }
  if (!known) return known.error();
  for (const char* planning :
       {"calendar_event_id", "time_block_id", "planned_at", "planned_start", "planned_duration"}) {
    if (const auto* v = body.if_contains(planning); v && !v->is_null()) {
      return invalid(planning, "must be null: focusd tracks time, it does not plan it");
    }
  }

  TimeEntryInput in;
  TimeEntryFields& f = in.write.fields;
  if (creating) {
    f.start = now;
    f.stop = now;
  } else {
    f = current;
  }
  if (auto type = read_type(body, kind != EntryBody::Patch, f); !type) return type.error();

  // The end: start + duration when a duration is given; otherwise 0 s on
  // create, the same duration for a stopped entry, still running for a running one.
  auto start = read_start(body);
  if (!start) return start.error();
  std::optional<std::int64_t> duration;
  if (const auto* v = body.if_contains("duration")) {
    auto read = json_read::integer(*v, "duration", 0, kMaxDurationSeconds);
    if (!read) return read.error();
    duration = *read;
  } else if (creating) {
    duration = 0;
  } else if (f.stop) {
    duration = duration_of(f);
  }
  if (*start) f.start = **start;
  f.stop.reset();
  if (duration) {
    f.stop = add_seconds(f.start, *duration);
    if (!f.stop) return invalid("duration", "ends after the year 9999");
  }

  if (kind == EntryBody::Replace) {
    f.description.reset();
    f.tag_ids.reset();
  }
  if (const auto* v = body.if_contains("description")) {
    auto read = json_read::nullable(*v, f.description,
                                    [](auto& x) { return json_read::text(x, "description", kMaxDescriptionBytes); });
    if (!read) return read.error();
  }
  if (const auto* v = body.if_contains("tag_ids")) {
    auto read = json_read::nullable(*v, f.tag_ids, [](auto& x) { return json_read::ids(x, "tag_ids", kMaxTags); });
    if (!read) return read.error();
  }

  // billable: given, or the task's (reset_billable_to_default, or not given on create).
  in.write.billable_default = creating;
  if (const auto* v = body.if_contains("reset_billable_to_default")) {
    auto reset = json_read::boolean(*v, "reset_billable_to_default");
    if (!reset) return reset.error();
    in.write.billable_default = *reset;
  }
  if (const auto* v = body.if_contains("billable")) {
    if (kind == EntryBody::Patch && in.write.billable_default) {
      return invalid("billable", "must not be given with reset_billable_to_default");
    }
    auto billable = json_read::boolean(*v, "billable");
    if (!billable) return billable.error();
    f.billable = *billable;
    f.billable_from_task = false;
    in.write.billable_default = false;
  }

  // task and project: a task's project unless a project is named; an edit
  // that names neither keeps both.
  const bool names_task = body.contains("task_id");
  if (auto read = read_nullable_id(body, "task_id", f.task_id); !read) return read.error();
  if (auto read = read_nullable_id(body, "project_id", f.project_id); !read) return read.error();
  if (body.contains("project_id")) {
    in.write.project_named = f.project_id.has_value();
  } else if (creating || (names_task && f.task_id)) {
    f.project_id.reset();  // the task's, if any
  } else {
    in.write.project_named = true;  // kept
  }

  if (const auto* v = body.if_contains("user_id")) {
    auto user = json_read::id(*v, "user_id");
    if (!user) return user.error();
    in.user_id = *user;
  }
  return in;
}

Result<StartFromDescription> read_start_from_description(const boost::json::object& body, const std::string& now) {
  if (auto known = json_read::only(
          body, {"billable", "create_project_if_not_found", "create_tags_if_not_found", "create_task_if_not_found",
                 "custom_fields", "description", "estimated_mins", "extension_source", "extension_url", "name", "notes",
                 "private", "project_name", "resolution_strategy", "start", "tag_names", "type"});
      !known) {
    return known.error();
  }
  StartFromDescription in;
  if (auto type = read_type(body, true, in.timer); !type) return type.error();
  in.timer.start = now;
  in.timer.billable_from_task = true;  // the task's, unless given
  if (auto start = read_start(body); !start) {
    return start.error();
  } else if (*start) {
    in.timer.start = **start;
  }
  const auto* name = body.if_contains("name");
  if (!name) return invalid("name", "is required: the task's name");
  auto task_name = json_read::name(*name, "name");
  if (!task_name) return task_name.error();
  in.name = std::move(*task_name);
  in.new_task.name = in.name;
  const auto* source = body.if_contains("extension_source");
  if (!source) return invalid("extension_source", "is required");
  if (auto text = json_read::text(*source, "extension_source", 255); !text) return text.error();
  if (const auto* url = body.if_contains("extension_url")) {
    if (auto text = json_read::text(*url, "extension_url", 2048); !text) return text.error();
  }
  in.strategy = "name";
  if (const auto* v = body.if_contains("resolution_strategy")) {
    auto strategy = json_read::text(*v, "resolution_strategy", 32);
    if (!strategy) return strategy.error();
    if (*strategy != "uri" && *strategy != "name" && *strategy != "name_project" && *strategy != "name_project_tags") {
      return invalid("resolution_strategy", "must be uri, name, name_project or name_project_tags");
    }
    if (*strategy != "uri") in.strategy = std::move(*strategy);
  }
  if (const auto* v = body.if_contains("project_name")) {
    auto project = json_read::name(*v, "project_name");
    if (!project) return project.error();
    in.project_name = std::move(*project);
  }
  if (const auto* v = body.if_contains("tag_names")) {
    if (!v->is_array()) return invalid("tag_names", "must be an array of tag names");
    if (v->as_array().size() > kMaxTags) return invalid("tag_names", "at most 100 tags");
    for (const auto& tag : v->as_array()) {
      auto tag_name = json_read::name(tag, "tag_names");
      if (!tag_name) return tag_name.error();
      in.tag_names.push_back(std::move(*tag_name));
    }
  }
  for (const auto& [field, target] :
       {std::pair{"create_project_if_not_found", &in.create_project},
        std::pair{"create_tags_if_not_found", &in.create_tags}, std::pair{"create_task_if_not_found", &in.create_task},
        std::pair{"private", &in.new_task.is_private}}) {
    if (const auto* v = body.if_contains(field)) {
      auto flag = json_read::boolean(*v, field);
      if (!flag) return flag.error();
      *target = *flag;
    }
  }
  if (const auto* v = body.if_contains("billable")) {
    auto billable = json_read::boolean(*v, "billable");
    if (!billable) return billable.error();
    in.timer.billable = in.new_task.billable = *billable;
    in.timer.billable_from_task = false;
  }
  if (const auto* v = body.if_contains("description")) {
    auto text = json_read::text(*v, "description", kMaxDescriptionBytes);
    if (!text) return text.error();
    in.timer.description = std::move(*text);
  }
  if (const auto* v = body.if_contains("notes")) {
    auto text = json_read::text(*v, "notes", kMaxDescriptionBytes);
    if (!text) return text.error();
    in.new_task.description = std::move(*text);
  }
  if (const auto* v = body.if_contains("estimated_mins")) {
    auto minutes = json_read::integer(*v, "estimated_mins", 0, 1000000);
    if (!minutes) return minutes.error();
    in.new_task.estimated_mins = *minutes;
  }
  if (const auto* v = body.if_contains("custom_fields");
      v && !v->is_null() && !(v->is_object() && v->as_object().empty())) {
    return invalid("custom_fields", "must be empty: focusd has no custom fields");
  }
  return in;
}

namespace {

Status check_stop_of(std::string_view start, std::string_view stop, const char* field) {
  const auto from = unix_seconds(start), to = unix_seconds(stop);
  if (!from || !to) return make_error(ErrorCode::Internal, "an entry's start or stop is no timestamp");
  if (*to < *from) return invalid(field, "must not be before the running entry's start");
  if (*to - *from > kMaxDurationSeconds) {
    return invalid(field, "must be at most 10 years after the running entry's start");
  }
  return Ok{};
}

}  // namespace

Status check_stop(std::string_view start, std::string_view stop) {
  return check_stop_of(start, stop, "end");
}

Status check_stop_by_start(std::string_view start, std::string_view stop) {
  return check_stop_of(start, stop, "start");
}

Result<std::string> read_stop_tracking(const boost::json::object& body, const std::string& now) {
  if (auto known = json_read::only(body, {"end"}); !known) return known.error();
  const auto* end = body.if_contains("end");
  if (!end || end->is_null()) return now;
  return date_time(*end, "end");
}

}  // namespace focusd::domain
