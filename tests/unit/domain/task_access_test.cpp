// Who may see and who may edit a task (domain/task_access.h), from the facts
// of its record.
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

TEST(TaskAccess, OwnersAndAdminsSeeAllOthersWhatIsPublicOrTheirsInAProjectTheySee) {
  struct Case {
    Viewer viewer;
    bool is_private;
    std::optional<std::int64_t> project_id;
    ProjectRole role;
    bool project_private;
    bool may;
    const char* why;
  } const cases[] = {
      {{8, true}, true, std::nullopt, ProjectRole::None, false, true, "an owner or admin, a private loose task"},
      {{8, true}, true, 1, ProjectRole::None, true, true, "an owner or admin, a private task in a private project"},
      {{7, false}, true, std::nullopt, ProjectRole::None, false, true, "its creator, a private loose task"},
      {{8, false}, false, std::nullopt, ProjectRole::None, false, false, "another, a public loose task"},
      {{8, false}, false, 1, ProjectRole::None, false, true, "another, a public task in a public project"},
      {{8, false}, true, 1, ProjectRole::Manager, false, false, "another, a private task, even for a manager"},
      {{8, false}, false, 1, ProjectRole::None, true, false, "another, a private project they are not in"},
      {{8, false}, false, 1, ProjectRole::Member, true, true, "a member, a public task in a private project"},
      {{7, false}, false, 1, ProjectRole::None, true, false, "its creator, once out of its private project"},
  };
  for (const auto& c : cases) {
    TaskRecord task;
    task.creator_id = 7;
    task.fields.is_private = c.is_private;
    task.fields.project_id = c.project_id;
    task.project_role = c.role;
    task.project_private = c.project_private;
    EXPECT_EQ(may_see_task(c.viewer, task), c.may) << c.why;
  }
}

}  // namespace
}  // namespace focusd::domain
