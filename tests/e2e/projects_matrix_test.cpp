// The role matrix as data: every kind of caller × every project operation.
#include "projects_support.h"

namespace focusd::test {
namespace {

using boost::json::object;

enum Who { Owner, Admin, Manager, ProjectMember, OrgMember, Outsider };

struct Operation {
  std::string method;
  std::string suffix;
  std::string body;
  // Expected status per Who, in enum order, for a private project.
  std::array<int, 6> expected;
};

class RoleMatrix : public WorkspaceTest {
 protected:
  void SetUp() override {
    admin = server.seed_user("", owner.organization_id, "admin");
    manager = server.seed_user("", owner.organization_id, "member");
    member = server.seed_user("", owner.organization_id, "member");
    org_member = server.seed_user("", owner.organization_id, "member");
    outsider = server.seed_user();
  }
  // A fresh private project with `manager` as a second manager and `member` as a member.
  std::int64_t fresh_project(int n) {
    auto id = create_project({{"name", "P" + std::to_string(n)}, {"private", true}});
    EXPECT_EQ(
        call_json(owner, "POST", project(id) + "/members", object{{"user_ids", {manager.user_id}}, {"role_id", 1}})
            .status,
        204);
    EXPECT_EQ(call_json(owner, "POST", project(id) + "/members", object{{"user_ids", {member.user_id}}, {"role_id", 2}})
                  .status,
              204);
    return id;
  }
  const SeededUser& as(Who who) const {
    switch (who) {
      case Owner: return owner;
      case Admin: return admin;
      case Manager: return manager;
      case ProjectMember: return member;
      case OrgMember: return org_member;
      case Outsider: return outsider;
    }
    return outsider;
  }

  SeededUser admin, manager, member, org_member, outsider;
};

TEST_F(RoleMatrix, EveryCallerTimesEveryOperation) {
  const std::string add_member = R"({"user_ids":[ORG_MEMBER],"role_id":2})";
  const std::vector<Operation> operations = {
      //                                                  owner admin manager member org  outsider
      {"GET", "", "", {200, 200, 200, 200, 404, 404}},
      {"PUT", "", R"({"name":"Renamed ID","private":true})", {201, 201, 201, 403, 404, 404}},
      {"PATCH", "", R"({"description":"x"})", {201, 201, 201, 403, 404, 404}},
      {"PATCH", "/archive", "", {204, 204, 204, 403, 404, 404}},
      {"PATCH", "/unarchive", "", {204, 204, 204, 403, 404, 404}},
      {"GET", "/children", "", {200, 200, 200, 200, 404, 404}},
      {"GET", "/parents", "", {200, 200, 200, 200, 404, 404}},
      {"GET", "/members", "", {200, 200, 200, 200, 404, 404}},
      {"POST", "/members", add_member, {204, 204, 204, 403, 404, 404}},
      {"PUT", "/members", R"({"user_id":MEMBER,"role_id":2})", {204, 204, 204, 403, 404, 404}},
      {"DELETE", "/members", R"({"user_id":MEMBER})", {204, 204, 204, 403, 404, 404}},
      {"POST", "/pinned", "", {204, 204, 204, 204, 404, 404}},
      {"DELETE", "/pinned", "", {204, 204, 204, 204, 404, 404}},
      {"GET", "/rates", "", {200, 200, 200, 200, 404, 404}},
      {"POST",
       "/rates",
       R"({"hourly_rate":1,"currency":"EUR","start_at":"2026-01-01"})",
       {201, 201, 201, 403, 404, 404}},
      {"DELETE", "/rates", "", {204, 204, 204, 403, 404, 404}},  // ?from= added below
      {"DELETE", "", "", {204, 204, 204, 403, 404, 404}},
      {"PATCH", "/restore", "", {204, 204, 204, 403, 404, 404}},  // on a deleted project
  };
  int n = 0;
  for (const auto& op : operations) {
    for (Who who : {Owner, Admin, Manager, ProjectMember, OrgMember, Outsider}) {
      const auto id = fresh_project(++n);
      if (op.suffix == "/restore") {
        ASSERT_EQ(call(owner, "DELETE", project(id)).status, 204);
      }
      std::string body = op.body;
      for (auto [marker, value] :
           {std::pair{"ORG_MEMBER", org_member.user_id}, std::pair{"MEMBER", member.user_id}, std::pair{"ID", id}}) {
        if (auto at = body.find(marker); at != std::string::npos) {
          body.replace(at, std::string(marker).size(), std::to_string(value));
        }
      }
      const std::string target = project(id) + op.suffix +
                                 (op.suffix == "/rates" && op.method == "DELETE" ? "?from=2026-01-01T00:00:00Z" : "");
      auto res = call(as(who), op.method, target, body);
      EXPECT_EQ(res.status, op.expected[who]) << op.method << " " << op.suffix << " as " << who << ": " << res.body;
    }
  }
}

TEST_F(RoleMatrix, PublicProjectsAreReadableByTheOrganization) {
  auto id = create_project({{"name", "Public"}});
  EXPECT_EQ(call(org_member, "GET", project(id)).status, 200);
  EXPECT_EQ(call(org_member, "GET", project(id) + "/members").status, 200);
  EXPECT_EQ(call(org_member, "PATCH", project(id), R"({"description":"x"})").status, 403);
  EXPECT_EQ(call(org_member, "POST", project(id) + "/pinned").status, 204);
  EXPECT_EQ(call(outsider, "GET", project(id)).status, 404);
}

TEST_F(RoleMatrix, InvisibleChildrenAreLeftOut) {
  auto top = create_project({{"name", "Top"}});
  create_project({{"name", "Open child"}, {"parent_project_id", top}});
  auto hidden = create_project({{"name", "Hidden child"}, {"parent_project_id", top}, {"private", true}});
  create_project({{"name", "Grandchild"}, {"parent_project_id", hidden}});
  EXPECT_EQ(names(org_member, project(top) + "/children"), (std::vector<std::string>{"Grandchild", "Open child"}));
  EXPECT_EQ(names(owner, project(top) + "/children"),
            (std::vector<std::string>{"Grandchild", "Hidden child", "Open child"}));
  EXPECT_EQ(call(org_member, "GET", project(hidden) + "/children").status, 404);
}

TEST_F(RoleMatrix, EveryOrderingSortsWithTiesById) {
  auto acme = create(owner, workspace("/clients"), {{"name", "Acme"}}).at("id").as_int64();
  for (int i = 0; i < 6; ++i) {
    object body{{"name", std::string(1, static_cast<char>('f' - i)) + "-project"},
                {"billable", i % 2 == 0},
                {"private", i % 3 == 0}};
    if (i % 2) body["client_id"] = acme;
    if (i % 3 != 2) {
      body["start_date"] = "2026-0" + std::to_string(1 + i % 3) + "-01";
      body["end_date"] = "2026-1" + std::to_string(i % 2) + "-01";
    }
    if (i == 4) body["pinned"] = true;
    create_project(body);
  }
  for (const char* field : {"name", "client_id", "parent_project_id", "private", "active", "billable", "created_at",
                            "updated_at", "toggl_user_id", "pinned", "start_date", "end_date"}) {
    for (bool descending : {false, true}) {
      auto res = call(owner, "GET", projects() + "?order_by=" + (descending ? "-" : "") + field);
      ASSERT_EQ(res.status, 200) << field;
      const auto body = res.json();
      const auto& data = body.at("data").as_array();
      ASSERT_EQ(data.size(), 6u);
      for (std::size_t i = 1; i < data.size(); ++i) {
        const auto& a = data[i - 1].at(field);
        const auto& b = data[i].at(field);
        // JSON null sorts first ascending, as SQL NULL does.
        auto less = [](const boost::json::value& x, const boost::json::value& y) {
          if (x.is_null() || y.is_null()) return x.is_null() && !y.is_null();
          if (x.is_string()) return x.as_string() < y.as_string();
          if (x.is_bool()) return !x.as_bool() && y.as_bool();
          return x.as_int64() < y.as_int64();
        };
        const bool field_ok = descending ? !less(a, b) : !less(b, a);
        EXPECT_TRUE(field_ok) << field << (descending ? " desc" : " asc") << " at " << i;
        if (a == b) {
          EXPECT_LT(data[i - 1].at("id").as_int64(), data[i].at("id").as_int64()) << field << " tie at " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace focusd::test
