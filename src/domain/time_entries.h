#pragma once
// Time entries and the timer (CONTRACT.md "Time tracking"): who sees an
// entry, its duration, and the bodies of tracking/start and tracking/stop.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace focusd::domain {

// Owners and admins see every entry; anyone else their own entries and the
// entries of projects they may see (domain::can_see). Stores filter by this
// in their own queries; StoreContract.VisibilityOfTimeEntriesIsTheDomainsRule
// checks them against it.
bool may_see_time_entry(const Viewer& viewer, const TimeEntryRecord& entry);

// Seconds: stop - start, or -(start as Unix seconds) while the entry runs.
std::int64_t duration_of(const TimeEntryFields& fields);

// POST …/tracking/start (timeentry.StartTrackingPayload): `type` (activity |
// break) is required; `start` (a date-time with any offset) defaults to
// `now`; task_id, project_id, description, billable, tag_ids (null: the
// task's tags). calendar_event_id and time_block_id are accepted only as
// null: focusd has neither. InvalidArgument names the field.
Result<TimeEntryFields> read_start_tracking(const boost::json::object& body, const std::string& now);

// Owners and admins may change any entry they see (manage_time_entries);
// anyone else only their own.
bool may_edit_time_entry(const Viewer& viewer, const TimeEntryRecord& entry);

// The bodies that write an entry, by operation.
enum class EntryBody {
  Create,      // POST …/time-entries (timeentry.CreateTasklessPayload) and POST …/tasks/{id}/time-entries
  BulkCreate,  // one item of POST …/time-entries/bulk: Create with task_id
  Replace,     // PUT (timeentry.Payload)
  Patch,       // PATCH, bulk PATCH, bulk-edit (timeentry.PartialUpdatePayload)
};

struct TimeEntryInput {
  TimeEntryWrite write;
  std::optional<std::int64_t> user_id;  // Create: the entry is this user's
};

// Reads an entry's body onto `current` (Replace and Patch start from it;
// Create from a new entry starting `now`). `type` is required but in Patch.
// `start` (or its alias `tracked_at`) with any offset; `duration` (0 ..
// 10 years) sets the end at start + duration: on create it defaults to 0, and
// elsewhere a stopped entry keeps its duration when its start moves (a
// running entry runs on unless a duration stops it). Replace resets the
// description and tag_ids it is not given; Patch changes what it is given,
// null clearing description, project_id, task_id and tag_ids (null tag_ids:
// the task's tags). Planning members (planned_*, calendar_event_id,
// time_block_id) are accepted only as null: focusd tracks, it does not plan.
Result<TimeEntryInput> read_time_entry_input(const boost::json::object& body, EntryBody kind,
                                             const TimeEntryFields& current, const std::string& now);

// POST …/tracking/start-from-description
// (extensiontracking.StartFromDescriptionPayload): find the task by name (and
// project, and tags, as `strategy` says), or create it, then start on it.
struct StartFromDescription {
  std::string name;      // the task's
  std::string strategy;  // name | name_project | name_project_tags (uri: focusd keeps no task URLs, so name)
  std::optional<std::string> project_name;
  std::vector<std::string> tag_names;
  bool create_project = false;
  bool create_tags = false;
  bool create_task = false;
  TaskFields new_task;    // what a created task gets (name, description from notes, estimate, private, billable)
  TimeEntryFields timer;  // type, start (default now), description, billable
};

// `type`, `name` and `extension_source` are required; custom_fields only as
// empty (focusd has none). InvalidArgument names the field.
Result<StartFromDescription> read_start_from_description(const boost::json::object& body, const std::string& now);

// Whether an entry that started at `start` may stop at `stop` (both RFC 3339
// UTC): not before its start, and at most 10 years after it (the longest
// duration). InvalidArgument naming `end` otherwise (tracking/stop's end).
Status check_stop(std::string_view start, std::string_view stop);
// check_stop for the running entry a new start stops: naming `start`.
Status check_stop_by_start(std::string_view start, std::string_view stop);

// POST …/tracking/stop: {end} (a date-time with any offset), or no body at
// all (an empty object): `now`.
Result<std::string> read_stop_tracking(const boost::json::object& body, const std::string& now);

}  // namespace focusd::domain
