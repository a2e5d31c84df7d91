#pragma once
// Which users GET /api/organizations/{id}/users answers, in which order: the
// same rules on every store, applied to the organization's users and groups.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/listing.h"
#include "store/store.h"

namespace focusd::domain {

struct OrganizationUserFilter {
  // Each list, when not empty, keeps the users it names (any of its items).
  std::vector<std::int64_t> user_ids;      // user_account_ids
  std::vector<std::int64_t> org_user_ids;  // org_user_ids: OrganizationUserRecord::id
  std::vector<std::int64_t> group_ids;     // groups: users in any of them
  std::vector<OrgRole> roles;              // roles, by organization role id
  bool only_admins = false;                // owners and admins
  std::optional<bool> has_group;           // in at least one group, or in none
  std::string text;                        // filter: part of the name or the email, ASCII case folded
  // A filter on what focusd has not (member tags, custom fields, other
  // products, inactive or invited users, another organization's workspaces).
  bool matches_nothing = false;
  bool descending = false;               // sort_dir=desc: names from Z to A
  std::vector<std::int64_t> pinned_ids;  // OrganizationUserRecord ids first, in this order
  Page page;
};

// One user of the answer with the groups they are in.
struct OrganizationUserView {
  const OrganizationUserRecord* user = nullptr;
  std::vector<const GroupRecord*> groups;
};

// The name an organization user is listed and sorted by: the full name, or the
// email when they have none.
const std::string& display_name(const OrganizationUserRecord& user);

// The page of `users` that `filter` keeps: ordered by display name (ASCII case
// folded; then by id), pinned users first; every pointer is into `users` and
// `groups`.
std::vector<OrganizationUserView> select_organization_users(const std::vector<OrganizationUserRecord>& users,
                                                            const std::vector<GroupRecord>& groups,
                                                            const OrganizationUserFilter& filter);

}  // namespace focusd::domain
