#include "domain/project_managers.h"

#include <algorithm>
#include <string>

namespace focusd::domain {

bool is_effective_manager(const ProjectMember& member) {
  return member.manager && member.users > 0;
}

bool has_effective_manager(const ProjectMembers& members) {
  return std::ranges::any_of(members.users, is_effective_manager) ||
         std::ranges::any_of(members.groups, is_effective_manager);
}

Status keep_a_manager(std::int64_t project_id, const ProjectMembers& before, const ProjectMembers& after) {
  if (has_effective_manager(before) && !has_effective_manager(after)) {
    return make_error(ErrorCode::Conflict, "project " + std::to_string(project_id) +
                                               " must keep at least one manager (a user, or a group that has users)");
  }
  return Ok{};
}

}  // namespace focusd::domain
