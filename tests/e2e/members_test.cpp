// Project members, groups and roles.
#include "projects_support.h"

namespace focusd::test {
namespace {

using boost::json::object;

constexpr std::int64_t kManager = 1;
constexpr std::int64_t kMember = 2;

class Members : public WorkspaceTest {
 protected:
  void SetUp() override {
    alice = server.seed_user("", owner.organization_id, "member");
    bob = server.seed_user("", owner.organization_id, "member");
    outsider = server.seed_user();
    secret = create_project({{"name", "Secret"}, {"private", true}});
  }
  std::string members(std::int64_t id) const { return project(id) + "/members"; }
  std::string groups() const { return owner.organization_path() + "/groups"; }
  object member_list(std::int64_t id) {
    auto res = call(owner, "GET", members(id));
    EXPECT_EQ(res.status, 200) << res.body;
    return res.json().as_object();
  }

  SeededUser alice, bob, outsider;
  std::int64_t secret = 0;
};

TEST_F(Members, TheCreatorIsTheManager) {
  auto list = member_list(secret);
  EXPECT_EQ(list.at("project_id").as_int64(), secret);
  EXPECT_EQ(list.at("user_ids"), (boost::json::array{object{{"user_id", owner.user_id}, {"manager", true}}}));
  EXPECT_TRUE(list.at("group_ids").as_array().empty());
}

TEST_F(Members, AddingAUserMakesThePrivateProjectVisible) {
  EXPECT_EQ(call(alice, "GET", project(secret)).status, 404);
  auto added = call_json(owner, "POST", members(secret), object{{"user_ids", {alice.user_id}}, {"role_id", kMember}});
  ASSERT_EQ(added.status, 204) << added.body;
  auto p = call(alice, "GET", project(secret));
  ASSERT_EQ(p.status, 200);
  EXPECT_EQ(p.json().at("permissions"), (boost::json::array{"view", "pin", "attach_files"}));
  EXPECT_EQ(call(alice, "PATCH", project(secret), R"({"name":"x"})").status, 403);
  EXPECT_EQ(call_json(alice, "POST", members(secret), object{{"user_ids", {bob.user_id}}, {"role_id", kMember}}).status,
            403);
  // Promoted to manager, alice may now change it and its members.
  ASSERT_EQ(call_json(owner, "PUT", members(secret), object{{"user_id", alice.user_id}, {"role_id", kManager}}).status,
            204);
  EXPECT_EQ(call(alice, "PATCH", project(secret), R"({"description":"mine too"})").status, 201);
  EXPECT_EQ(call_json(alice, "POST", members(secret), object{{"user_ids", {bob.user_id}}, {"role_id", kMember}}).status,
            204);
  // Removed again: invisible again.
  ASSERT_EQ(call_json(owner, "DELETE", members(secret), object{{"user_id", alice.user_id}}).status, 204);
  EXPECT_EQ(call(alice, "GET", project(secret)).status, 404);
}

TEST_F(Members, MembershipThroughAGroup) {
  auto group = create(owner, groups(),
                      {{"name", "Design"},
                       {"emoji", "🎨"},
                       {"organization_users", {alice.user_id}},
                       {"workspaces", {owner.workspace_id}}});
  ASSERT_TRUE(group.contains("id"));
  EXPECT_EQ(group.at("users").as_array().size(), 1u);
  EXPECT_EQ(group.at("users").as_array()[0].at("user_account_id").as_int64(), alice.user_id);
  EXPECT_EQ(group.at("workspaces").as_array()[0].at("workspace_id").as_int64(), owner.workspace_id);
  const auto group_id = group.at("id").as_int64();

  ASSERT_EQ(call_json(owner, "POST", members(secret), object{{"group_ids", {group_id}}, {"role_id", kManager}}).status,
            204);
  EXPECT_EQ(member_list(secret).at("group_ids"),
            (boost::json::array{object{{"group_id", group_id}, {"manager", true}}}));
  EXPECT_EQ(call(alice, "PATCH", project(secret), R"({"description":"via group"})").status, 201);
  EXPECT_EQ(call(bob, "GET", project(secret)).status, 404);
  EXPECT_EQ(names(alice, projects() + "?private=true"), std::vector<std::string>{"Secret"});

  // bob joins the group with the admin CLI, and so the project.
  auto joined = server.admin({"add-user-to-group", "--group", std::to_string(group_id), "--email", bob.email});
  ASSERT_EQ(joined.exit_code, 0) << joined.err;
  EXPECT_EQ(call(bob, "GET", project(secret)).status, 200);
  auto mine = call(bob, "GET", groups() + "/me").json();
  EXPECT_EQ(mine, (boost::json::array{object{{"id", group_id}, {"name", "Design"}, {"emoji", "🎨"}}}));

  // Deleting the group takes its project role with it.
  ASSERT_EQ(call(owner, "DELETE", groups() + "/" + std::to_string(group_id)).status, 200);
  EXPECT_EQ(call(alice, "GET", project(secret)).status, 404);
}

TEST_F(Members, GroupsAreManagedByAdminsWithinTheOrganization) {
  EXPECT_EQ(call(alice, "POST", groups(), R"({"name":"Mine"})").status, 403);
  expect_validation(
      call_json(owner, "POST", groups(), object{{"name", "G"}, {"organization_users", {outsider.user_id}}}),
      "organization_users");
  expect_validation(call_json(owner, "POST", groups(), object{{"name", "G"}, {"workspaces", {outsider.workspace_id}}}),
                    "workspaces");
  expect_validation(call(owner, "POST", groups(), R"({"emoji":"x"})"), "name");
  auto group = create(owner, groups(), {{"name", "G"}});
  const std::string one = groups() + "/" + std::to_string(group.at("id").as_int64());
  auto renamed = call_json(owner, "PUT", one, object{{"name", "G2"}, {"organization_users", {bob.user_id}}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json().at("name").as_string(), "G2");
  EXPECT_EQ(renamed.json().at("users").as_array().size(), 1u);
  // Outsiders cannot see the organization at all.
  EXPECT_EQ(call(outsider, "PUT", one, R"({"name":"x"})").status, 404);
  EXPECT_EQ(call(outsider, "GET", groups() + "/me").status, 404);
  auto their_groups = outsider.organization_path() + "/groups";
  EXPECT_EQ(
      call(outsider, "PUT", their_groups + "/" + std::to_string(group.at("id").as_int64()), R"({"name":"x"})").status,
      404);
}

TEST_F(Members, MembersMustBelongToTheOrganization) {
  expect_validation(
      call_json(owner, "POST", members(secret), object{{"user_ids", {outsider.user_id}}, {"role_id", kMember}}),
      "user_ids");
  expect_validation(call_json(owner, "POST", members(secret), object{{"group_ids", {999}}, {"role_id", kMember}}),
                    "group_ids");
  expect_validation(call_json(owner, "POST", members(secret), object{{"user_ids", {alice.user_id}}, {"role_id", 99}}),
                    "role_id");
  expect_validation(call_json(owner, "POST", members(secret), object{{"user_ids", {alice.user_id}}}), "role_id");
  expect_validation(call_json(owner, "POST", members(secret), object{{"role_id", kMember}}), "user_ids");
  expect_validation(call_json(owner, "PUT", members(secret), object{{"role_id", kMember}}), "user_id");
  expect_validation(call_json(owner, "PUT", members(secret), object{{"user_id", bob.user_id}, {"role_id", kMember}}),
                    "user_id");
  expect_validation(call_json(owner, "DELETE", members(secret), object{{"user_id", 1}, {"group_id", 1}}), "user_id");
  expect_validation(call_json(owner, "POST", members(secret),
                              object{{"user_ids", {alice.user_id}}, {"role_id", kMember}, {"extra", 1}}),
                    "extra");
}

TEST_F(Members, TheLastManagerCannotLeave) {
  auto res = call_json(owner, "DELETE", members(secret), object{{"user_id", owner.user_id}});
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(res.json().at("error").as_string(), "conflict");
  EXPECT_EQ(call_json(owner, "PUT", members(secret), object{{"user_id", owner.user_id}, {"role_id", kMember}}).status,
            409);
  ASSERT_EQ(
      call_json(owner, "POST", members(secret), object{{"user_ids", {alice.user_id}}, {"role_id", kManager}}).status,
      204);
  EXPECT_EQ(call_json(owner, "DELETE", members(secret), object{{"user_id", owner.user_id}}).status, 204);
  // The owner still sees and manages everything in the organization.
  EXPECT_EQ(call(owner, "GET", members(secret)).status, 200);
}

// An empty group counted as a manager: made one, it let the last real manager leave, and
// deleting it then left the project with no manager at all.
TEST_F(Members, EmptyGroupIsNotAManager) {
  const auto group_id = create(owner, groups(), {{"name", "Nobody"}}).at("id").as_int64();
  ASSERT_EQ(call_json(owner, "POST", members(secret), object{{"group_ids", {group_id}}, {"role_id", kManager}}).status,
            204);
  auto left = call_json(owner, "DELETE", members(secret), object{{"user_id", owner.user_id}});
  EXPECT_EQ(left.status, 409) << left.body;
  EXPECT_EQ(call_json(owner, "PUT", members(secret), object{{"user_id", owner.user_id}, {"role_id", kMember}}).status,
            409);
  EXPECT_EQ(
      call_json(owner, "POST", members(secret), object{{"user_ids", {owner.user_id}}, {"role_id", kMember}}).status,
      409);
  // With a user in it the group manages the project, and the creator may leave.
  const std::string group = groups() + "/" + std::to_string(group_id);
  ASSERT_EQ(
      call_json(owner, "PUT", group, object{{"name", "Somebody"}, {"organization_users", {alice.user_id}}}).status,
      200);
  EXPECT_EQ(call_json(owner, "DELETE", members(secret), object{{"user_id", owner.user_id}}).status, 204);
  EXPECT_EQ(call(alice, "PATCH", project(secret), R"({"description":"mine"})").status, 201);
}

// Emptying or deleting the group that was a project's last manager left the project with none.
TEST_F(Members, LastManagerGroupCannotBeEmptiedOrDeleted) {
  const auto group_id =
      create(owner, groups(), {{"name", "Leads"}, {"organization_users", {alice.user_id}}}).at("id").as_int64();
  const std::string group = groups() + "/" + std::to_string(group_id);
  ASSERT_EQ(call_json(owner, "POST", members(secret), object{{"group_ids", {group_id}}, {"role_id", kManager}}).status,
            204);
  ASSERT_EQ(call_json(owner, "DELETE", members(secret), object{{"user_id", owner.user_id}}).status, 204);

  auto emptied =
      call_json(owner, "PUT", group, object{{"name", "Leads"}, {"organization_users", boost::json::array{}}});
  EXPECT_EQ(emptied.status, 409) << emptied.body;
  EXPECT_NE(emptied.body.find(R"("error":"conflict")"), std::string::npos) << emptied.body;
  auto deleted = call(owner, "DELETE", group);
  EXPECT_EQ(deleted.status, 409) << deleted.body;
  EXPECT_EQ(call_json(owner, "PUT", members(secret), object{{"group_id", group_id}, {"role_id", kMember}}).status, 409);
  EXPECT_EQ(call_json(owner, "DELETE", members(secret), object{{"group_id", group_id}}).status, 409);
  EXPECT_EQ(member_list(secret).at("group_ids"),
            (boost::json::array{object{{"group_id", group_id}, {"manager", true}}}));
  // Another user may replace alice; a manager of its own lets the group go.
  EXPECT_EQ(call_json(owner, "PUT", group, object{{"name", "Leads"}, {"organization_users", {bob.user_id}}}).status,
            200);
  ASSERT_EQ(
      call_json(owner, "POST", members(secret), object{{"user_ids", {alice.user_id}}, {"role_id", kManager}}).status,
      204);
  EXPECT_EQ(call(owner, "DELETE", group).status, 200);
  EXPECT_EQ(member_list(secret).at("user_ids"),
            (boost::json::array{object{{"user_id", alice.user_id}, {"manager", true}}}));
}

TEST_F(Members, OutsidersAndNonMembersGet404) {
  EXPECT_EQ(call(outsider, "GET", members(secret)).status, 404);
  EXPECT_EQ(call(alice, "GET", members(secret)).status, 404);
  EXPECT_EQ(
      call_json(alice, "POST", members(secret), object{{"user_ids", {alice.user_id}}, {"role_id", kManager}}).status,
      404);
}

TEST_F(Members, RolesListTheProjectRoles) {
  auto res = call(alice, "GET", owner.organization_path() + "/roles");
  ASSERT_EQ(res.status, 200);
  bool manager = false, member = false;
  const auto roles = res.json();
  for (const auto& role : roles.as_array()) {
    if (role.at("entity") != "project") continue;
    manager = manager || (role.at("role_id").as_int64() == kManager && role.at("type") == "manager");
    member = member || role.at("role_id").as_int64() == kMember;
    for (const char* field : {"code", "name", "description", "organization_id", "permissions", "privilege_level",
                              "require_group", "default_for_levels"}) {
      EXPECT_TRUE(role.as_object().contains(field)) << field;
    }
  }
  EXPECT_TRUE(manager);
  EXPECT_TRUE(member);
  EXPECT_EQ(call(outsider, "GET", owner.organization_path() + "/roles").status, 404);
}

}  // namespace
}  // namespace focusd::test
