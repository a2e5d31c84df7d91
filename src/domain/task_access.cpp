#include "domain/task_access.h"

#include "domain/project_access.h"

namespace focusd::domain {

bool may_see_task(const Viewer& viewer, const TaskRecord& task) {
  if (viewer.sees_all) return true;
  const bool mine = task.creator_id == viewer.user_id;
  if (task.fields.is_private && !mine) return false;
  if (!task.fields.project_id) return mine;
  return can_see(viewer, task.project_role, task.project_private);
}

bool may_edit_task(const Viewer& viewer, const TaskRecord& task) {
  return viewer.sees_all || task.creator_id == viewer.user_id || task.project_role != ProjectRole::None;
}

}  // namespace focusd::domain
