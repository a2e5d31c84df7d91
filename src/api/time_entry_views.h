#pragma once
// How the time-entry handlers show an entry (models.TimeEntry, and
// timeentry.TimeEntryWithTask with its task and project) and find it under
// the deprecated routes of a task.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <vector>

#include "api/types.h"
#include "common/result.h"
#include "store/records.h"
#include "store/store.h"

namespace focusd::api {
struct Call;
}

namespace focusd::api::handlers {

// models.TimeEntry. Members the Swagger does not mark nullable are left out
// when the entry has no value for them. Its memory comes from `storage`.
boost::json::object entry_json(const TimeEntryRecord& e, const boost::json::storage_ptr& storage = {});

// timeentry.TimeEntryWithTask for each entry: with its project
// (models.ProjectLite) and, when the caller sees it, its task (models.Task),
// the tasks read in one query; the array's memory is one arena of its own,
// which whatever holds it (the list's answer object) should share.
Result<boost::json::array> entries_with_tasks_json(Store& s, const std::vector<TimeEntryRecord>& entries,
                                                   const WorkspaceAccess& access);

// The deprecated …/tasks/{task_id}/time-entries/{time_entry_id} routes: the
// entry must be the path task's, else it is a missing one (NotFound).
Status on_path_task(const Call& call, const TimeEntryRecord& entry);

}  // namespace focusd::api::handlers
