#pragma once
// How the time-entry handlers show an entry (models.TimeEntry, and
// timeentry.TimeEntryWithTask with its task and project) and find it under
// the deprecated routes of a task.

#include <boost/json/object.hpp>
#include <vector>

#include "api/json_writer.h"
#include "api/types.h"
#include "common/result.h"
#include "store/records.h"
#include "store/store.h"

namespace focusd::api {
struct Call;
}

namespace focusd::api::handlers {

// models.TimeEntry. Members the Swagger does not mark nullable are left out
// when the entry has no value for them.
void write_entry(JsonWriter& w, const TimeEntryRecord& e);
// The same as a value, for answers that embed it in one built as a value.
boost::json::object entry_json(const TimeEntryRecord& e);
// A 200 or 201 whose body is the entry, and one whose body is an array of them.
Response entry_response(http::status status, const TimeEntryRecord& e);
Response entries_response(const std::vector<TimeEntryRecord>& entries);

// timeentry.TimeEntryWithTask for each entry, as elements of the array being
// written: with its project (models.ProjectLite) and, when the caller sees it,
// its task (models.Task), the tasks read in one query.
Status write_entries_with_tasks(JsonWriter& w, Store& s, const std::vector<TimeEntryRecord>& entries,
                                const WorkspaceAccess& access);

// The deprecated …/tasks/{task_id}/time-entries/{time_entry_id} routes: the
// entry must be the path task's, else it is a missing one (NotFound).
Status on_path_task(const Call& call, const TimeEntryRecord& entry);

}  // namespace focusd::api::handlers
