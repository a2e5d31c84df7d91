#include "domain/task_access.h"

namespace focusd::domain {

bool may_edit_task(const Viewer& viewer, const TaskRecord& task) {
  return viewer.sees_all || task.creator_id == viewer.user_id || task.project_role != ProjectRole::None;
}

}  // namespace focusd::domain
