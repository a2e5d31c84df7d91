#include <gtest/gtest.h>

#include <map>
#include <string_view>

#include <boost/json/parse.hpp>

#include "domain/project_access.h"
#include "domain/project_input.h"
#include "domain/project_managers.h"
#include "domain/project_tree.h"
#include "domain/roles.h"

namespace focusd::domain {
namespace {

boost::json::object obj(const char* text) {
  return boost::json::parse(text).as_object();
}

TEST(Roles, EveryPermissionHasItsOwnIdAndEveryOrganizationRoleItsRoleId) {
  std::map<std::int64_t, std::string_view> names;
  for (const auto& role : roles()) {
    for (auto permission : role.permissions) {
      const std::int64_t id = permission_id(permission);
      EXPECT_GT(id, 0) << permission;
      EXPECT_EQ(names.emplace(id, permission).first->second, permission) << id;
    }
  }
  for (OrgRole role : {OrgRole::Owner, OrgRole::Admin, OrgRole::Member}) {
    EXPECT_EQ(organization_role_of(organization_role_id(role)), role);
  }
  EXPECT_FALSE(organization_role_of(kProjectManagerRoleId));
}

TEST(ProjectInput, CreateNeedsANameAndTakesDefaults) {
  auto in = read_project_input(obj(R"({"name":" Site "})"), WriteMode::Create);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->fields.name, "Site");
  EXPECT_FALSE(in->fields.client_id);
  EXPECT_FALSE(in->pinned);
  EXPECT_FALSE(read_project_input(obj("{}"), WriteMode::Create));
  EXPECT_FALSE(read_project_input(obj("{}"), WriteMode::Replace));
  EXPECT_TRUE(read_project_input(obj("{}"), WriteMode::Patch));
}

TEST(ProjectInput, PatchKeepsWhatIsAbsentAndNullClears) {
  ProjectFields current;
  current.name = "Site";
  current.color = "#000000";
  current.description = "d";
  current.tag_ids = {1, 2};
  current.billable = true;
  auto in = read_project_input(obj(R"({"color":null,"tag_ids":null,"private":true})"), WriteMode::Patch, current);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->fields.name, "Site");
  EXPECT_FALSE(in->fields.color);
  EXPECT_EQ(in->fields.description, "d");
  EXPECT_TRUE(in->fields.tag_ids.empty());
  EXPECT_TRUE(in->fields.billable);
  EXPECT_TRUE(in->fields.is_private);
}

TEST(ProjectInput, DatesMustBeOrdered) {
  ProjectFields current;
  current.name = "x";
  current.start_date = "2026-05-01";
  auto in = read_project_input(obj(R"({"end_date":"2026-04-01"})"), WriteMode::Patch, current);
  ASSERT_FALSE(in);
  EXPECT_EQ(in.error().values.count("end_date"), 1u);
  EXPECT_TRUE(read_project_input(obj(R"({"end_date":"2026-05-01"})"), WriteMode::Patch, current));
}

TEST(ProjectInput, TagIdsAreDeduplicated) {
  auto in = read_project_input(obj(R"({"name":"x","tag_ids":[3,1,3]})"), WriteMode::Create);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->fields.tag_ids, (std::vector<std::int64_t>{3, 1}));
}

TEST(ProjectInput, CurrenciesAndColors) {
  for (const char* code : {"EUR", "USD", "JPY", "AED", "ZWL"}) EXPECT_TRUE(is_currency_code(code)) << code;
  for (const char* code : {"eur", "EU", "EURO", "XXX", "UR ", "D A", ""}) EXPECT_FALSE(is_currency_code(code)) << code;
  EXPECT_TRUE(is_hex_color("#a1B2c3"));
  for (const char* color : {"a1b2c3", "#a1b2c", "#a1b2c3d", "#g1b2c3", "red"}) EXPECT_FALSE(is_hex_color(color));
}

TEST(ProjectAccess, TheRoleMatrix) {
  const WorkspaceAccess owner{1, 1, 1, OrgRole::Owner};
  const WorkspaceAccess admin{1, 1, 2, OrgRole::Admin};
  const WorkspaceAccess member{1, 1, 3, OrgRole::Member};
  EXPECT_EQ(permissions(owner, ProjectRole::None, true).size(), 9u);
  EXPECT_EQ(permissions(admin, ProjectRole::None, true).size(), 9u);
  EXPECT_EQ(permissions(member, ProjectRole::Manager, true).size(), 9u);
  EXPECT_EQ(permissions(member, ProjectRole::Member, true),
            (std::vector<std::string_view>{"view", "pin", "attach_files"}));
  EXPECT_FALSE(allowed(member, ProjectRole::Member, true, ProjectAction::ManageAttachments));
  EXPECT_EQ(permissions(member, ProjectRole::None, false), (std::vector<std::string_view>{"view", "pin"}));
  EXPECT_TRUE(permissions(member, ProjectRole::None, true).empty());
  EXPECT_FALSE(can_see(member, ProjectRole::None, true));
  EXPECT_FALSE(allowed(member, ProjectRole::Member, false, ProjectAction::Update));
  EXPECT_TRUE(allowed(member, ProjectRole::Manager, true, ProjectAction::ManageMembers));
}

TEST(ProjectTree, DepthCountsAncestorsTheProjectAndEverythingBelow) {
  // A new project under a parent at level 9 is level 10: allowed; at level 11: refused.
  EXPECT_TRUE(check_placement({0, {9, 8, 7, 6, 5, 4, 3, 2, 1}, 0}));
  auto deep = check_placement({0, {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0});
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().values.count("parent_project_id"), 1u);
  EXPECT_NE(deep.error().description.find("10 levels"), std::string::npos);
  // A moved or restored project brings its height along (deleted levels included).
  EXPECT_TRUE(check_placement({20, {5, 4, 3, 2, 1}, 4}));
  EXPECT_FALSE(check_placement({20, {5, 4, 3, 2, 1}, 5}));
  EXPECT_TRUE(check_placement({20, {}, kMaxProjectDepth - 1}));
  EXPECT_FALSE(check_placement({20, {}, kMaxProjectDepth}));
}

TEST(ProjectTree, NoProjectIsItsOwnAncestor) {
  auto own = check_placement({3, {3}, 0});
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().values.at("parent_project_id"), "a project cannot be its own parent");
  auto cycle = check_placement({3, {5, 3, 1}, 1});
  ASSERT_FALSE(cycle);
  EXPECT_EQ(cycle.error().values.at("parent_project_id"), "would make a cycle");
  EXPECT_TRUE(check_placement({0, {5, 3, 1}, 0}));  // a new project has no id to repeat
}

TEST(ProjectManagers, AGroupManagesOnlyWhileItHasUsers) {
  EXPECT_TRUE(is_effective_manager({7, true, 1}));
  EXPECT_TRUE(is_effective_manager({8, true, 3}));
  EXPECT_FALSE(is_effective_manager({8, true, 0}));  // an empty group
  EXPECT_FALSE(is_effective_manager({7, false, 1}));
  EXPECT_FALSE(has_effective_manager({{{7, false, 1}}, {{8, true, 0}}}));
  EXPECT_TRUE(has_effective_manager({{{7, false, 1}}, {{8, true, 2}}}));
}

TEST(ProjectManagers, AChangeMayNotTakeTheLastManagerAway) {
  const ProjectMembers creator{{{7, true, 1}}, {}};
  const ProjectMembers empty_group{{}, {{8, true, 0}}};
  const ProjectMembers nobody{};
  auto left = keep_a_manager(42, creator, empty_group);
  ASSERT_FALSE(left);
  EXPECT_EQ(left.error().code, ErrorCode::Conflict);
  EXPECT_NE(left.error().description.find("project 42"), std::string::npos);
  EXPECT_FALSE(keep_a_manager(42, creator, nobody));
  EXPECT_TRUE(keep_a_manager(42, creator, ProjectMembers{{}, {{8, true, 1}}}));
  // A project that had no manager to lose (older data) may change, so that it can be given one.
  EXPECT_TRUE(keep_a_manager(42, empty_group, nobody));
  EXPECT_TRUE(keep_a_manager(42, nobody, creator));
}

}  // namespace
}  // namespace focusd::domain
