#pragma once
// Time entries and the timer (CONTRACT.md "Time tracking"): who sees an
// entry, its duration, and the bodies of tracking/start and tracking/stop.

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

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

// POST …/tracking/stop: {end} (a date-time with any offset), or no body at
// all (an empty object): `now`.
Result<std::string> read_stop_tracking(const boost::json::object& body, const std::string& now);

}  // namespace focusd::domain
