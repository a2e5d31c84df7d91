#pragma once
// Who may do what to a project (CONTRACT.md "Access"):
// - organization owners and admins, and the project's managers: everything;
// - the project's members (directly or through a group): view, pin, attach files;
// - other members of the organization: view and pin public projects.
// Private projects are invisible (404) to anyone not covered above.

#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace focusd::domain {

// AttachFiles adds attachments; ManageAttachments renames and deletes them.
enum class ProjectAction { View, Update, Delete, Archive, Restore, Pin, ManageMembers, AttachFiles, ManageAttachments };

// Who may see a project: this is the rule. Stores filter by it in their own
// query language (Store::find_project, list_projects and the other reads);
// StoreContract.VisibilityOfProjectsIsTheDomainsRule checks each store against it.
bool can_see(const Viewer& viewer, ProjectRole role, bool is_private);
bool can_see(const WorkspaceAccess& access, ProjectRole role, bool is_private);
bool allowed(const WorkspaceAccess& access, ProjectRole role, bool is_private, ProjectAction action);
// The names of the allowed actions, as a project's `permissions` lists them.
std::vector<std::string_view> permissions(const WorkspaceAccess& access, ProjectRole role, bool is_private);

inline Viewer viewer_of(const WorkspaceAccess& access) {
  return Viewer{access.user_id, access.is_admin()};
}

}  // namespace focusd::domain
