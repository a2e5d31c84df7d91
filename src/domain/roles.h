#pragma once
// The roles focusd knows, as GET /api/organizations/{id}/roles lists them.
// Project roles are what POST/PUT …/members take as `role_id`.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace focusd::domain {

struct Role {
  std::int64_t id;
  std::string_view code;
  std::string_view name;
  std::string_view description;
  std::string_view entity;  // organization | project
  std::string_view type;    // owner | admin | manager | guest
  int privilege_level;
  std::vector<std::string_view> permissions;
};

inline constexpr std::int64_t kProjectManagerRoleId = 1;
inline constexpr std::int64_t kProjectMemberRoleId = 2;

// The organization role's id in roles() (organization_owner, _admin, _member),
// and the role of such an id (nullopt for another id).
std::int64_t organization_role_id(OrgRole role);
std::optional<OrgRole> organization_role_of(std::int64_t role_id);

const std::vector<Role>& roles();
// A stable number for each permission name (types.Permission.permission_id).
std::int64_t permission_id(std::string_view name);

// For a project role id: true for manager, false for member; nullopt otherwise.
std::optional<bool> project_role_is_manager(std::int64_t role_id);

// The organization-wide rule: owners and admins manage the organization's
// groups, clients and tags; members may not. Forbidden ("only organization
// owners and admins may <action>") for a member.
Status require_organization_admin(OrgRole role, std::string_view action);

}  // namespace focusd::domain
