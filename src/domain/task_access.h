#pragma once
// Who may see and who may edit a task (CONTRACT.md "Access"). Stores filter
// by may_see_task in their own query language (Store::find_task, list_tasks);
// StoreContract.VisibilityOfTasksIsTheDomainsRule checks each store against it.

#include "store/records.h"

namespace focusd::domain {

// Organization owners and admins see every task; anyone else a task that is
// public or theirs, within a project they may see (domain::can_see); a task
// without a project only its creator. `task.project_role` and
// `task.project_private` are the facts of its project for this viewer.
bool may_see_task(const Viewer& viewer, const TaskRecord& task);

// True when `viewer` may change `task` (fields, archive, delete, attachments):
// owners and admins, the task's creator, and the members and managers of its
// project.
bool may_edit_task(const Viewer& viewer, const TaskRecord& task);

}  // namespace focusd::domain
