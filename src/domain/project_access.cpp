#include "domain/project_access.h"

#include <iterator>
#include <utility>

namespace focusd::domain {

namespace {
constexpr std::pair<ProjectAction, const char*> kActions[] = {
    {ProjectAction::View, "view"},
    {ProjectAction::Update, "update"},
    {ProjectAction::Delete, "delete"},
    {ProjectAction::Archive, "archive"},
    {ProjectAction::Restore, "restore"},
    {ProjectAction::Pin, "pin"},
    {ProjectAction::ManageMembers, "manage_members"},
    {ProjectAction::AttachFiles, "attach_files"},
    {ProjectAction::ManageAttachments, "manage_attachments"},
};
}  // namespace

bool can_see(const Viewer& viewer, ProjectRole role, bool is_private) {
  return viewer.sees_all || role != ProjectRole::None || !is_private;
}

bool can_see(const WorkspaceAccess& access, ProjectRole role, bool is_private) {
  return can_see(viewer_of(access), role, is_private);
}

bool allowed(const WorkspaceAccess& access, ProjectRole role, bool is_private, ProjectAction action) {
  if (!can_see(access, role, is_private)) return false;
  if (access.is_admin() || role == ProjectRole::Manager) return true;
  switch (action) {
    case ProjectAction::View:
    case ProjectAction::Pin: return true;
    case ProjectAction::AttachFiles: return role == ProjectRole::Member;
    default: return false;
  }
}

std::vector<std::string_view> permissions(const WorkspaceAccess& access, ProjectRole role, bool is_private) {
  std::vector<std::string_view> names;
  names.reserve(std::size(kActions));  // one allocation: this runs for every project of a page
  for (const auto& [action, name] : kActions) {
    if (allowed(access, role, is_private, action)) names.emplace_back(name);
  }
  return names;
}

}  // namespace focusd::domain
