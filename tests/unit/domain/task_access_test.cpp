// Who may edit a task (domain/task_access.h), from the facts of its record.
#include "domain/task_access.h"

#include <gtest/gtest.h>

namespace focusd::domain {
namespace {

TEST(TaskAccess, OwnersAdminsTheCreatorAndTheProjectsPeopleMayEdit) {
  TaskRecord task;
  task.creator_id = 7;
  struct Case {
    Viewer viewer;
    ProjectRole role;
    bool may;
    const char* why;
  } const cases[] = {
      {{7, false}, ProjectRole::None, true, "its creator"},
      {{8, true}, ProjectRole::None, true, "an owner or admin"},
      {{8, false}, ProjectRole::Member, true, "a member of its project"},
      {{8, false}, ProjectRole::Manager, true, "a manager of its project"},
      {{8, false}, ProjectRole::None, false, "anyone else who can see it"},
  };
  for (const auto& c : cases) {
    task.project_role = c.role;
    EXPECT_EQ(may_edit_task(c.viewer, task), c.may) << c.why;
  }
}

}  // namespace
}  // namespace focusd::domain
