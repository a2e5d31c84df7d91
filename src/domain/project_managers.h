#pragma once
// The last-manager rule (CONTRACT.md "Access"): a project keeps at least one
// manager who can act. Every write that can take a manager away (removing a
// member or changing its role, emptying or deleting a group, a user leaving a
// group) is checked by keep_a_manager, through Store::ManagerRule.

#include <cstdint>

#include "common/result.h"
#include "store/records.h"

namespace focusd::domain {

// A manager who can act: a user with the manager role, or a group with the
// manager role that has users (an empty group stands for nobody).
bool is_effective_manager(const ProjectMember& member);
bool has_effective_manager(const ProjectMembers& members);

// Conflict when the change from `before` to `after` left the project without an
// effective manager. A project that had none before (data older than this rule)
// is not held to it, so that it can be given one.
Status keep_a_manager(std::int64_t project_id, const ProjectMembers& before, const ProjectMembers& after);

}  // namespace focusd::domain
