// Project members, groups and roles.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

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

  // Deleting the group takes its project role with it. The Swagger's workspace_id must be an id.
  const std::string one_group = groups() + "/" + std::to_string(group_id);
  expect_validation(call(owner, "DELETE", one_group + "?workspace_id=abc"), "workspace_id");
  EXPECT_EQ(call(alice, "GET", project(secret)).status, 200);
  ASSERT_EQ(call(owner, "DELETE", one_group + "?workspace_id=" + std::to_string(owner.workspace_id)).status, 200);
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
  // Every permission has its own positive id, whichever role lists it.
  std::map<std::string, std::int64_t> permission_ids;
  for (const auto& role : roles.as_array()) {
    for (const auto& permission : role.at("permissions").as_array()) {
      const std::string name(permission.at("name").as_string());
      const std::int64_t id = permission.at("permission_id").as_int64();
      EXPECT_GT(id, 0) << name;
      EXPECT_EQ(permission_ids.emplace(name, id).first->second, id) << name;
    }
  }
  std::set<std::int64_t> distinct;
  for (const auto& [name, id] : permission_ids) distinct.insert(id);
  EXPECT_EQ(distinct.size(), permission_ids.size());
  EXPECT_TRUE(manager);
  EXPECT_TRUE(member);
  EXPECT_EQ(call(outsider, "GET", owner.organization_path() + "/roles").status, 404);
}

class OrganizationUsers : public Members {
 protected:
  std::string users(const std::string& query = "") const { return owner.organization_path() + "/users" + query; }
  // The user_account_id of each user answered, in order.
  std::vector<std::int64_t> listed(const SeededUser& caller, const std::string& query = "") {
    auto res = call(caller, "GET", users(query));
    EXPECT_EQ(res.status, 200) << query << " -> " << res.body;
    std::vector<std::int64_t> ids;
    if (res.status != 200) return ids;
    const auto body = res.json();
    for (const auto& u : body.as_array()) ids.push_back(u.at("user_account_id").as_int64());
    return ids;
  }
  // The organization role's id in GET /roles, by its code.
  std::int64_t role_id(const std::string& code) {
    const auto roles = call(owner, "GET", owner.organization_path() + "/roles").json();
    for (const auto& role : roles.as_array()) {
      if (role.at("code").as_string() == code) return role.at("role_id").as_int64();
    }
    ADD_FAILURE() << "no role " << code;
    return 0;
  }
  // The users sorted as the list sorts them: by name (here the email: seeded
  // users have no full name), ASCII case folded, then by id.
  std::vector<std::int64_t> by_name(std::vector<SeededUser> people) {
    std::sort(people.begin(), people.end(), [](const SeededUser& a, const SeededUser& b) {
      auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
      };
      return lower(a.email) < lower(b.email);
    });
    std::vector<std::int64_t> ids;
    for (const auto& p : people) ids.push_back(p.user_id);
    return ids;
  }
};

TEST_F(OrganizationUsers, EveryMemberSeesTheOrganizationsUsers) {
  const auto everyone = by_name({owner, alice, bob});
  EXPECT_EQ(listed(owner), everyone);
  EXPECT_EQ(listed(alice), everyone);  // a member, not only an admin
  EXPECT_EQ(listed(owner, "?sort_dir=desc"), (std::vector<std::int64_t>(everyone.rbegin(), everyone.rend())));

  auto res = call(bob, "GET", users("?user_account_ids=" + std::to_string(alice.user_id)));
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = res.json();
  ASSERT_EQ(body.as_array().size(), 1u);
  const auto& a = body.as_array()[0].as_object();
  EXPECT_GT(a.at("id").as_int64(), 0);
  EXPECT_EQ(a.at("user_id").as_string(), std::to_string(alice.user_id));  // a string, as the Swagger types it
  EXPECT_EQ(a.at("user_account_id").as_int64(), alice.user_id);
  EXPECT_EQ(a.at("organization_id").as_int64(), owner.organization_id);
  EXPECT_EQ(a.at("email").as_string(), alice.email);
  EXPECT_EQ(a.at("name").as_string(), alice.email);  // no full name: the email
  EXPECT_EQ(a.at("owner"), false);
  EXPECT_EQ(a.at("admin"), false);
  EXPECT_EQ(a.at("active"), true);
  EXPECT_EQ(a.at("groups"), boost::json::array{});
  const auto& ws = a.at("workspaces").as_array();
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].at("id").as_int64(), owner.workspace_id);
  EXPECT_EQ(ws[0].at("focus_role_id").as_int64(), role_id("organization_member"));
  EXPECT_EQ(ws[0].at("toggl_products"), boost::json::array{"focus"});
  for (const char* field : {"2fa_enabled", "account_locked_at", "can_edit_personal_details", "created_at", "deleted_at",
                            "invite_sent", "joined", "permissions", "rate", "tags", "updated_at", "working_hours"}) {
    EXPECT_TRUE(a.contains(field)) << field;
  }
}

TEST_F(OrganizationUsers, FiltersPinsAndPages) {
  const auto group_id = create(owner, groups(),
                               {{"name", "Design"},
                                {"emoji", "🎨"},
                                {"organization_users", {alice.user_id}},
                                {"workspaces", {owner.workspace_id}}})
                            .at("id")
                            .as_int64();
  const std::string alice_id = std::to_string(alice.user_id);
  const std::vector<std::int64_t> only_alice{alice.user_id}, nobody;
  const auto everyone = by_name({owner, alice, bob});
  const auto not_alice = by_name({owner, bob});

  // alice's groups, with the workspaces each is in.
  auto in_group = call(owner, "GET", users("?groups=" + std::to_string(group_id))).json();
  ASSERT_EQ(in_group.as_array().size(), 1u);
  const auto& a = in_group.as_array()[0];
  EXPECT_EQ(a.at("groups"),
            (boost::json::array{object{
                {"id", group_id}, {"name", "Design"}, {"emoji", "🎨"}, {"workspace_ids", {owner.workspace_id}}}}));
  EXPECT_EQ(a.at("workspaces").as_array()[0].at("groups"),
            (boost::json::array{object{{"id", group_id}, {"name", "Design"}, {"emoji", "🎨"}}}));

  EXPECT_EQ(listed(owner, "?has_group=true"), only_alice);
  EXPECT_EQ(listed(owner, "?has_group=false"), not_alice);
  EXPECT_EQ(listed(owner, "?user_account_ids[]=" + alice_id + "&user_account_ids[]=" + std::to_string(bob.user_id)),
            by_name({alice, bob}));
  EXPECT_EQ(listed(owner, "?only_admins=true"), std::vector<std::int64_t>{owner.user_id});
  EXPECT_EQ(listed(owner, "?roles=" + std::to_string(role_id("organization_owner"))),
            std::vector<std::int64_t>{owner.user_id});
  EXPECT_EQ(listed(owner, "?roles=" + std::to_string(role_id("organization_member"))), by_name({alice, bob}));
  EXPECT_EQ(listed(owner, "?roles=999"), nobody);
  // filter: part of the name or the email, whatever its case.
  std::string part = alice.email.substr(0, alice.email.find('@'));
  for (char& c : part) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(listed(owner, "?filter=" + part), only_alice);
  EXPECT_EQ(listed(owner, "?filter=no-such-person"), nobody);
  // workspaces: every user reaches each of the organization's; another's matches nobody.
  EXPECT_EQ(listed(owner, "?workspaces=" + std::to_string(owner.workspace_id)), everyone);
  EXPECT_EQ(listed(owner, "?workspaces=" + std::to_string(outsider.workspace_id)), nobody);
  // What focusd has not matches nobody; what it is matches everyone.
  EXPECT_EQ(listed(owner, "?tag_ids=1"), nobody);
  EXPECT_EQ(listed(owner, "?toggl_products=track"), nobody);
  EXPECT_EQ(listed(owner, "?toggl_products=track,focus"), everyone);
  EXPECT_EQ(listed(owner, "?active_status=inactive"), nobody);
  EXPECT_EQ(listed(owner, "?active_status=active&include_rates=true&include_working_hours=false"), everyone);

  // org_user_ids and pinned_ids take the answer's own ids; pinned users come first, in that order.
  std::map<std::int64_t, std::int64_t> org_user_id;
  const auto all = call(owner, "GET", users()).json();
  for (const auto& u : all.as_array()) org_user_id[u.at("user_account_id").as_int64()] = u.at("id").as_int64();
  EXPECT_EQ(listed(owner, "?org_user_ids=" + std::to_string(org_user_id[bob.user_id])),
            std::vector<std::int64_t>{bob.user_id});
  const std::string pins =
      "?pinned_ids=" + std::to_string(org_user_id[bob.user_id]) + "," + std::to_string(org_user_id[alice.user_id]);
  EXPECT_EQ(listed(owner, pins), (std::vector<std::int64_t>{bob.user_id, alice.user_id, owner.user_id}));
  EXPECT_EQ(listed(owner, pins + "&per_page=2&page=2"), std::vector<std::int64_t>{owner.user_id});
  EXPECT_EQ(listed(owner, "?per_page=1&page=2"), std::vector<std::int64_t>{everyone[1]});
  EXPECT_EQ(listed(owner, "?per_page=1&page=4"), nobody);
}

TEST_F(OrganizationUsers, BadInputAndOutsiders) {
  expect_validation(call(owner, "GET", users("?sort_dir=up")), "sort_dir");
  expect_validation(call(owner, "GET", users("?roles=admin")), "roles");
  expect_validation(call(owner, "GET", users("?groups=-1")), "groups");
  expect_validation(call(owner, "GET", users("?has_group=maybe")), "has_group");
  expect_validation(call(owner, "GET", users("?include_rates=2")), "include_rates");
  expect_validation(call(owner, "GET", users("?per_page=201")), "per_page");
  EXPECT_EQ(call(outsider, "GET", users()).status, 404);
  EXPECT_EQ(call(outsider, "GET", users("?sort_dir=up")).status, 404);  // whatever it asks
  EXPECT_EQ(call(owner, "GET", "/api/organizations/999999/users").status, 404);
  EXPECT_EQ(server.client().get(users(), {}).status, 401);
}

}  // namespace
}  // namespace focusd::test
