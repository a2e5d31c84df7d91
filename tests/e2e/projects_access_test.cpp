// Who may do what: owner, admin, manager, member, organization member, outsider.
#include "projects_support.h"

namespace focusd::test {
namespace {

class ProjectAccess : public WorkspaceTest {
 protected:
  void SetUp() override {
    admin = server.seed_user("", owner.organization_id, "admin");
    member = server.seed_user("", owner.organization_id, "member");
    outsider = server.seed_user();
    open = create_project({{"name", "Open"}});
    closed = create_project({{"name", "Closed"}, {"private", true}});
  }
  int status(const SeededUser& u, const std::string& method, std::int64_t id, const std::string& suffix,
             const std::string& body = "") {
    return call(u, method, project(id) + suffix, body).status;
  }

  SeededUser admin, member, outsider;
  std::int64_t open = 0, closed = 0;
};

TEST_F(ProjectAccess, PrivateProjectsAreInvisibleToNonMembers) {
  EXPECT_EQ(status(member, "GET", closed, ""), 404);
  EXPECT_EQ(status(member, "PATCH", closed, "", R"({"name":"x"})"), 404);
  EXPECT_EQ(status(member, "DELETE", closed, ""), 404);
  EXPECT_EQ(status(member, "GET", closed, "/children"), 404);
  EXPECT_EQ(status(member, "POST", closed, "/pinned"), 404);
  EXPECT_EQ(status(admin, "GET", closed, ""), 200);
  // Not even as a parent: the id is as unknown as a missing one.
  auto res =
      call_json(member, "POST", projects(), boost::json::object{{"name", "Sneaky"}, {"parent_project_id", closed}});
  expect_validation(res, "parent_project_id");
}

// A manager of a public child of a private project they may not see changes
// the child like any other; they never learn the parent's id, which stays,
// and cannot be given anew.
TEST_F(ProjectAccess, AManagerChangesAChildWhoseParentTheyMayNotSee) {
  auto child = create_project({{"name", "Child"}, {"parent_project_id", closed}});
  ASSERT_EQ(call_json(owner, "POST", project(child) + "/members",
                      boost::json::object{{"user_ids", {member.user_id}}, {"role_id", 1}})
                .status,
            204);
  EXPECT_TRUE(call(member, "GET", project(child)).json().at("parent_project_id").is_null());
  EXPECT_EQ(call(admin, "GET", project(child)).json().at("parent_project_id").as_int64(), closed);
  auto listed = call(member, "GET", projects() + "?name=Child").json().at("data").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].at("parent_project_id").is_null());
  auto patched = call(member, "PATCH", project(child), R"({"description":"theirs"})");
  ASSERT_EQ(patched.status, 201) << patched.body;
  EXPECT_TRUE(patched.json().at("parent_project_id").is_null());
  EXPECT_EQ(call(owner, "GET", project(child)).json().at("parent_project_id").as_int64(), closed);  // kept
  EXPECT_EQ(status(member, "PATCH", child, "", R"({"parent_project_id":null})"), 201);
  auto again = call_json(member, "PATCH", project(child), boost::json::object{{"parent_project_id", closed}});
  expect_validation(again, "parent_project_id");
}

TEST_F(ProjectAccess, MembersMayViewAndPinPublicProjectsButNotChangeThem) {
  auto p = call(member, "GET", project(open)).json();
  EXPECT_EQ(p.at("permissions"), (boost::json::array{"view", "pin"}));
  EXPECT_EQ(status(member, "PUT", open, "", R"({"name":"Mine"})"), 403);
  EXPECT_EQ(status(member, "PATCH", open, "", R"({"name":"Mine"})"), 403);
  EXPECT_EQ(status(member, "DELETE", open, ""), 403);
  EXPECT_EQ(status(member, "PATCH", open, "/archive"), 403);
  EXPECT_EQ(status(member, "PATCH", open, "/unarchive"), 403);
  EXPECT_EQ(status(member, "PATCH", open, "/restore"), 403);
  EXPECT_EQ(status(member, "POST", open, "/pinned"), 204);
  EXPECT_EQ(status(member, "GET", open, "/children"), 200);
}

TEST_F(ProjectAccess, CreatorsManageWhatTheyCreate) {
  auto theirs = create_project({{"name", "Theirs"}, {"private", true}}, &member);
  auto p = call(member, "GET", project(theirs)).json();
  EXPECT_EQ(p.at("permissions").as_array().size(), 9u);
  EXPECT_EQ(status(member, "PATCH", theirs, "", R"({"description":"ok"})"), 201);
  EXPECT_EQ(status(member, "PATCH", theirs, "/archive"), 204);
  EXPECT_EQ(status(member, "PATCH", theirs, "/unarchive"), 204);
  EXPECT_EQ(status(member, "DELETE", theirs, ""), 204);
  EXPECT_EQ(status(member, "PATCH", theirs, "/restore"), 204);
  EXPECT_EQ(status(admin, "GET", theirs, ""), 200);
  EXPECT_EQ(status(owner, "DELETE", theirs, ""), 204);
}

TEST_F(ProjectAccess, AdminsAndOwnersMayDoEverything) {
  for (const auto* user : {&admin, &owner}) {
    auto p = call(*user, "GET", project(closed)).json();
    EXPECT_EQ(p.at("permissions").as_array().size(), 9u);
    EXPECT_EQ(status(*user, "PATCH", closed, "", R"({"description":"x"})"), 201);
    EXPECT_EQ(status(*user, "PATCH", closed, "/archive"), 204);
    EXPECT_EQ(status(*user, "PATCH", closed, "/unarchive"), 204);
  }
}

TEST_F(ProjectAccess, OutsidersSeeNothingAtAll) {
  for (const auto& [method, suffix] : std::vector<std::pair<std::string, std::string>>{{"GET", ""},
                                                                                       {"PUT", ""},
                                                                                       {"PATCH", ""},
                                                                                       {"DELETE", ""},
                                                                                       {"PATCH", "/archive"},
                                                                                       {"PATCH", "/unarchive"},
                                                                                       {"PATCH", "/restore"},
                                                                                       {"GET", "/children"},
                                                                                       {"GET", "/parents"},
                                                                                       {"POST", "/pinned"}}) {
    const std::string body = method == "PUT" || (method == "PATCH" && suffix.empty()) ? R"({"name":"x"})" : "";
    EXPECT_EQ(status(outsider, method, open, suffix, body), 404) << method << suffix;
  }
  EXPECT_EQ(call(outsider, "GET", projects()).status, 404);
  EXPECT_EQ(call(outsider, "POST", projects(), R"({"name":"Intruder"})").status, 404);
  // The path's organization must be the workspace's.
  const std::string wrong_org =
      outsider.organization_path() + "/workspaces/" + std::to_string(owner.workspace_id) + "/projects";
  EXPECT_EQ(call(owner, "GET", wrong_org).status, 404);
  EXPECT_EQ(call(outsider, "GET", wrong_org).status, 404);
}

TEST_F(ProjectAccess, ForeignIdsInBodiesAreUnknownIds) {
  auto their_client =
      create(outsider, "/api/workspaces/" + std::to_string(outsider.workspace_id) + "/clients", {{"name", "Theirs"}});
  auto their_tag = create(outsider, "/api/workspaces/" + std::to_string(outsider.workspace_id) + "/tags",
                          {{"name", "theirs"}, {"color", "#000000"}});
  expect_validation(
      call_json(owner, "POST", projects(), boost::json::object{{"name", "A"}, {"client_id", their_client.at("id")}}),
      "client_id");
  expect_validation(
      call_json(owner, "POST", projects(), boost::json::object{{"name", "A"}, {"tag_ids", {their_tag.at("id")}}}),
      "tag_ids");
}

}  // namespace
}  // namespace focusd::test
