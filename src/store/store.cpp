#include "store/store.h"

namespace focusd {

const char* to_string(OrgRole role) {
  switch (role) {
    case OrgRole::Owner: return "owner";
    case OrgRole::Admin: return "admin";
    case OrgRole::Member: return "member";
  }
  return "member";
}

std::optional<OrgRole> parse_org_role(std::string_view text) {
  if (text == "owner") return OrgRole::Owner;
  if (text == "admin") return OrgRole::Admin;
  if (text == "member") return OrgRole::Member;
  return std::nullopt;
}

Error schema_too_new(int found, int known) {
  return make_error(ErrorCode::InvalidArgument, "database schema version " + std::to_string(found) +
                                                    " is newer than this focusd supports (" + std::to_string(known) +
                                                    "); upgrade focusd");
}

Result<ProjectWithAccess> Store::find_project_with_access(std::int64_t user_id, std::int64_t workspace_id,
                                                          std::optional<std::int64_t> organization_id,
                                                          std::int64_t project_id, bool include_deleted) {
  auto access = workspace_access(user_id, workspace_id, organization_id);
  if (!access) return access.error();
  auto project = find_project(workspace_id, project_id, Viewer{user_id, access->is_admin()}, include_deleted);
  if (!project) return project.error();
  return ProjectWithAccess{*access, std::move(*project)};
}

}  // namespace focusd
