#include "domain/organization_users.h"

#include <algorithm>
#include <unordered_map>

#include "common/strings.h"

namespace focusd::domain {

namespace {

template <class T>
bool named(const std::vector<T>& list, const T& item) {
  return list.empty() || std::find(list.begin(), list.end(), item) != list.end();
}

// `needle`: the filter's text, folded.
bool keeps(const OrganizationUserFilter& f, const std::string& needle, const OrganizationUserView& v) {
  const OrganizationUserRecord& u = *v.user;
  if (!named(f.user_ids, u.user_id) || !named(f.org_user_ids, u.id) || !named(f.roles, u.role)) return false;
  if (f.only_admins && u.role == OrgRole::Member) return false;
  if (f.has_group && *f.has_group == v.groups.empty()) return false;
  if (!f.group_ids.empty() &&
      std::none_of(v.groups.begin(), v.groups.end(), [&](const GroupRecord* g) { return named(f.group_ids, g->id); })) {
    return false;
  }
  if (needle.empty()) return true;
  return ascii_lower(u.fullname).find(needle) != std::string::npos ||
         ascii_lower(u.email).find(needle) != std::string::npos;
}

}  // namespace

const std::string& display_name(const OrganizationUserRecord& user) {
  return user.fullname.empty() ? user.email : user.fullname;
}

std::vector<OrganizationUserView> select_organization_users(const std::vector<OrganizationUserRecord>& users,
                                                            const std::vector<GroupRecord>& groups,
                                                            const OrganizationUserFilter& filter) {
  if (filter.matches_nothing) return {};
  struct Ranked {
    std::size_t pin;   // its place in pinned_ids, or pinned_ids.size()
    std::string name;  // display name, folded
    OrganizationUserView view;
  };
  std::unordered_map<std::int64_t, std::vector<const GroupRecord*>> groups_of;  // by user id
  for (const auto& group : groups) {
    for (const auto& member : group.users) groups_of[member.user_id].push_back(&group);
  }
  const std::string needle = ascii_lower(filter.text);
  std::vector<Ranked> kept;
  for (const auto& user : users) {
    OrganizationUserView view{&user, {}};
    if (auto in = groups_of.find(user.user_id); in != groups_of.end()) view.groups = in->second;
    if (!keeps(filter, needle, view)) continue;
    const auto pin = std::find(filter.pinned_ids.begin(), filter.pinned_ids.end(), user.id);
    kept.push_back(
        {static_cast<std::size_t>(pin - filter.pinned_ids.begin()), ascii_lower(display_name(user)), std::move(view)});
  }
  std::sort(kept.begin(), kept.end(), [&](const Ranked& a, const Ranked& b) {
    if (a.pin != b.pin) return a.pin < b.pin;
    if (a.name != b.name) return filter.descending ? a.name > b.name : a.name < b.name;
    return a.view.user->id < b.view.user->id;
  });

  std::vector<OrganizationUserView> page;
  const auto offset = static_cast<std::size_t>(filter.page.offset());
  for (std::size_t i = offset; i < kept.size() && page.size() < static_cast<std::size_t>(filter.page.per_page); ++i) {
    page.push_back(std::move(kept[i].view));
  }
  return page;
}

}  // namespace focusd::domain
