// Which organization users a list answers, in which order (domain/organization_users.h).
#include "domain/organization_users.h"

#include <gtest/gtest.h>

namespace focusd::domain {
namespace {

// ids in the order the selection answers them.
std::vector<std::int64_t> ids(const std::vector<OrganizationUserView>& views) {
  std::vector<std::int64_t> out;
  for (const auto& v : views) out.push_back(v.user->id);
  return out;
}

class OrganizationUsers : public ::testing::Test {
 protected:
  // id (organization user), user id, email, full name, role.
  std::vector<OrganizationUserRecord> users = {
      {11, 1, "owner@x.test", "Zoe Owner", OrgRole::Owner, "2026-01-01T00:00:00Z"},
      {12, 2, "adam@x.test", "", OrgRole::Member, "2026-01-02T00:00:00Z"},
      {13, 3, "bea@x.test", "bea Admin", OrgRole::Admin, "2026-01-03T00:00:00Z"},
      {14, 4, "Bea@y.test", "Bea", OrgRole::Member, "2026-01-04T00:00:00Z"},
  };
  std::vector<GroupRecord> groups = {
      {7, 1, "Design", "", "", "", {{2, 12, "adam@x.test"}, {4, 14, "Bea"}}, {}},
  };
  std::vector<std::int64_t> select(const OrganizationUserFilter& f) {
    return ids(select_organization_users(users, groups, f));
  }
};

TEST_F(OrganizationUsers, ByNameFoldedThenById) {
  // adam@x.test (no full name: the email), bea, bea Admin, Zoe Owner.
  EXPECT_EQ(select({}), (std::vector<std::int64_t>{12, 14, 13, 11}));
  OrganizationUserFilter desc;
  desc.descending = true;
  EXPECT_EQ(select(desc), (std::vector<std::int64_t>{11, 13, 14, 12}));
}

TEST_F(OrganizationUsers, EachFilterKeepsWhatItNames) {
  OrganizationUserFilter f;
  f.user_ids = {1, 3};
  EXPECT_EQ(select(f), (std::vector<std::int64_t>{13, 11}));
  f = {};
  f.org_user_ids = {14};
  EXPECT_EQ(select(f), std::vector<std::int64_t>{14});
  f = {};
  f.group_ids = {7, 99};
  EXPECT_EQ(select(f), (std::vector<std::int64_t>{12, 14}));
  f = {};
  f.has_group = false;
  EXPECT_EQ(select(f), (std::vector<std::int64_t>{13, 11}));
  f = {};
  f.only_admins = true;
  EXPECT_EQ(select(f), (std::vector<std::int64_t>{13, 11}));
  f = {};
  f.roles = {OrgRole::Member};
  EXPECT_EQ(select(f), (std::vector<std::int64_t>{12, 14}));
  f = {};
  f.text = "BEA@";  // in the email, case folded
  EXPECT_EQ(select(f), (std::vector<std::int64_t>{14, 13}));
  f = {};
  f.text = "admin";  // in the full name
  EXPECT_EQ(select(f), std::vector<std::int64_t>{13});
  f = {};
  f.matches_nothing = true;
  EXPECT_TRUE(select(f).empty());
}

TEST_F(OrganizationUsers, PinnedUsersComeFirstInTheirOrderThenThePage) {
  OrganizationUserFilter f;
  f.pinned_ids = {11, 99, 13};
  EXPECT_EQ(select(f), (std::vector<std::int64_t>{11, 13, 12, 14}));
  f.page = {2, 3};
  EXPECT_EQ(select(f), std::vector<std::int64_t>{14});
  f.page = {3, 3};
  EXPECT_TRUE(select(f).empty());
  // Each answered user carries the groups they are in.
  const auto views = select_organization_users(users, groups, {});
  ASSERT_EQ(views[1].user->id, 14);
  ASSERT_EQ(views[1].groups.size(), 1u);
  EXPECT_EQ(views[1].groups[0]->id, 7);
  EXPECT_TRUE(views[2].groups.empty());
}

}  // namespace
}  // namespace focusd::domain
