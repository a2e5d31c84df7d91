#include "domain/roles.h"

#include <string>

namespace focusd::domain {

namespace {

constexpr std::int64_t kOwnerRoleId = 3;
constexpr std::int64_t kAdminRoleId = 4;
constexpr std::int64_t kMemberRoleId = 5;

}  // namespace

const std::vector<Role>& roles() {
  static const std::vector<Role> kRoles = {
      {kProjectManagerRoleId,
       "project_manager",
       "Project manager",
       "Updates, archives, deletes and restores the project and manages its members",
       "project",
       "manager",
       20,
       {"view", "update", "delete", "archive", "restore", "pin", "manage_members", "attach_files",
        "manage_attachments"}},
      {kProjectMemberRoleId,
       "project_member",
       "Project member",
       "Sees the project and attaches files to it",
       "project",
       "guest",
       10,
       {"view", "pin", "attach_files"}},
      {kOwnerRoleId,
       "organization_owner",
       "Owner",
       "Owns the organization",
       "organization",
       "owner",
       40,
       {"manage_everything"}},
      {kAdminRoleId,
       "organization_admin",
       "Admin",
       "Manages everything in the organization",
       "organization",
       "admin",
       30,
       {"manage_everything"}},
      {kMemberRoleId,
       "organization_member",
       "Member",
       "Sees public projects and creates projects",
       "organization",
       "guest",
       10,
       {"view_public_projects", "create_projects"}},
  };
  return kRoles;
}

std::optional<bool> project_role_is_manager(std::int64_t role_id) {
  if (role_id == kProjectManagerRoleId) return true;
  if (role_id == kProjectMemberRoleId) return false;
  return std::nullopt;
}

std::int64_t organization_role_id(OrgRole role) {
  switch (role) {
    case OrgRole::Owner: return kOwnerRoleId;
    case OrgRole::Admin: return kAdminRoleId;
    case OrgRole::Member: return kMemberRoleId;
  }
  return kMemberRoleId;
}

std::optional<OrgRole> organization_role_of(std::int64_t role_id) {
  for (OrgRole role : {OrgRole::Owner, OrgRole::Admin, OrgRole::Member}) {
    if (organization_role_id(role) == role_id) return role;
  }
  return std::nullopt;
}

std::int64_t permission_id(std::string_view name) {
  static constexpr std::string_view kNames[] = {"view",
                                                "update",
                                                "delete",
                                                "archive",
                                                "restore",
                                                "pin",
                                                "manage_members",
                                                "attach_files",
                                                "manage_attachments",
                                                "manage_everything",
                                                "view_public_projects",
                                                "create_projects"};
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) return static_cast<std::int64_t>(i + 1);
  }
  return 0;
}

Status require_organization_admin(OrgRole role, std::string_view action) {
  if (role != OrgRole::Member) return Ok{};
  return make_error(ErrorCode::Forbidden, "only organization owners and admins may " + std::string(action));
}

}  // namespace focusd::domain
