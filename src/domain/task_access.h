#pragma once
// Who may edit a task (CONTRACT.md "Access"): organization owners and admins,
// the task's creator, and the members and managers of its project. Seeing a
// task is the store's to filter (Store::find_task); this rule decides what
// may be done to a task one can see.

#include "store/records.h"

namespace focusd::domain {

// True when `viewer` may change `task` (fields, archive, delete, attachments).
bool may_edit_task(const Viewer& viewer, const TaskRecord& task);

}  // namespace focusd::domain
