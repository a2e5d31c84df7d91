// Clients and tags of a workspace.
#include "projects_support.h"

namespace focusd::test {
namespace {

class Catalog : public WorkspaceTest {};

TEST_F(Catalog, ClientsLifecycle) {
  auto acme = create(owner, workspace("/clients"), {{"name", "Acme"}, {"currency", "EUR"}});
  EXPECT_EQ(acme.at("name").as_string(), "Acme");
  EXPECT_EQ(acme.at("currency").as_string(), "EUR");
  EXPECT_EQ(acme.at("active").as_bool(), true);
  EXPECT_EQ(acme.at("toggl_user_id").as_int64(), owner.user_id);
  const std::string one = workspace("/clients/" + std::to_string(acme.at("id").as_int64()));
  EXPECT_EQ(call(owner, "GET", one).json().at("name").as_string(), "Acme");

  auto dup = call(owner, "POST", workspace("/clients"), R"({"name":"acme"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.json().at("error_values").at("name").as_string(),
            "a client of this name already exists in the workspace");
  EXPECT_EQ(call(owner, "PUT", one, R"({"name":"Acme Corp"})").status, 204);
  EXPECT_EQ(call(owner, "GET", one).json().at("name").as_string(), "Acme Corp");
  EXPECT_TRUE(call(owner, "GET", one).json().at("currency").is_null());  // PUT replaces

  EXPECT_EQ(call(owner, "DELETE", one).status, 204);
  EXPECT_EQ(call(owner, "GET", one).status, 404);
  EXPECT_EQ(call(owner, "DELETE", one).status, 404);
  EXPECT_EQ(call(owner, "PATCH", one + "/restore").status, 204);
  EXPECT_EQ(call(owner, "GET", one).status, 200);
}

TEST_F(Catalog, ClientListPagesFiltersAndOrders) {
  for (const char* name : {"beta", "Alpha", "gamma", "alphabet"})
    create(owner, workspace("/clients"), {{"name", name}});
  auto res = call(owner, "GET", workspace("/clients?name=ALPHA&order_by=-name"));
  ASSERT_EQ(res.status, 200);
  auto body = res.json().as_object();
  EXPECT_FALSE(body.contains("total"));
  ASSERT_EQ(body.at("data").as_array().size(), 2u);
  EXPECT_EQ(body.at("data").as_array()[0].at("name").as_string(), "alphabet");
  auto page = call(owner, "GET", workspace("/clients?per_page=3&page=2")).json();
  EXPECT_EQ(page.at("data").as_array().size(), 1u);
  EXPECT_EQ(page.at("data").as_array()[0].at("name").as_string(), "gamma");
  expect_validation(call(owner, "GET", workspace("/clients?order_by=color")), "order_by");
  expect_validation(call(owner, "GET", workspace("/clients?per_page=201")), "per_page");
}

TEST_F(Catalog, TagsLifecycle) {
  auto tag = create(owner, workspace("/tags"), {{"name", "urgent"}, {"color", "#ff0000"}});
  const std::string one = workspace("/tags/" + std::to_string(tag.at("id").as_int64()));
  auto updated = call(owner, "PUT", one, R"({"name":"Urgent","color":"#00FF00"})");
  ASSERT_EQ(updated.status, 200);
  EXPECT_EQ(updated.json().at("color").as_string(), "#00FF00");
  auto list = call(owner, "GET", workspace("/tags")).json();
  EXPECT_EQ(list.at("total").as_int64(), 1);
  EXPECT_EQ(call(owner, "DELETE", one).status, 204);
  EXPECT_EQ(call(owner, "GET", workspace("/tags")).json().at("total").as_int64(), 0);
  create(owner, workspace("/tags"), {{"name", "urgent"}, {"color", "#000000"}});
  EXPECT_EQ(call(owner, "PATCH", one + "/restore").status, 409);  // the name is taken again
}

TEST_F(Catalog, BadInputNamesTheField) {
  const std::vector<std::pair<std::string, std::string>> clients = {{R"({})", "name"},
                                                                    {R"({"name":""})", "name"},
                                                                    {R"({"name":7})", "name"},
                                                                    {R"({"name":"x","currency":"EURO"})", "currency"},
                                                                    {R"({"name":"x","bogus":1})", "bogus"}};
  for (const auto& [body, field] : clients)
    expect_validation(call(owner, "POST", workspace("/clients"), body), field, body);
  const std::vector<std::pair<std::string, std::string>> tags = {
      {R"({"name":"x"})", "color"}, {R"({"name":"x","color":"red"})", "color"}, {R"({"color":"#000000"})", "name"}};
  for (const auto& [body, field] : tags) expect_validation(call(owner, "POST", workspace("/tags"), body), field, body);
}

TEST_F(Catalog, MembersMayCreateButNotChange) {
  auto member = server.seed_user("", owner.organization_id, "member");
  auto client = create(member, workspace("/clients"), {{"name", "Members Inc"}});
  const std::string one = workspace("/clients/" + std::to_string(client.at("id").as_int64()));
  EXPECT_EQ(call(member, "GET", one).status, 200);
  EXPECT_EQ(call(member, "PUT", one, R"({"name":"Mine"})").status, 403);
  EXPECT_EQ(call(member, "DELETE", one).status, 403);
  auto admin = server.seed_user("", owner.organization_id, "admin");
  EXPECT_EQ(call(admin, "DELETE", one).status, 204);
}

TEST_F(Catalog, OtherOrganizationsSeeNothing) {
  auto outsider = server.seed_user();
  auto tag = create(owner, workspace("/tags"), {{"name", "secret"}, {"color", "#123456"}});
  const std::string one = workspace("/tags/" + std::to_string(tag.at("id").as_int64()));
  EXPECT_EQ(call(outsider, "GET", one).status, 404);
  EXPECT_EQ(call(outsider, "GET", workspace("/tags")).status, 404);
  EXPECT_EQ(call(outsider, "POST", workspace("/tags"), R"({"name":"x","color":"#000000"})").status, 404);
  EXPECT_EQ(call(outsider, "DELETE", one).status, 404);
  // Their own workspace's tag ids do not reach into ours either.
  auto theirs = create(outsider, "/api/workspaces/" + std::to_string(outsider.workspace_id) + "/tags",
                       {{"name", "theirs"}, {"color", "#000000"}});
  EXPECT_EQ(call(owner, "GET", workspace("/tags/" + std::to_string(theirs.at("id").as_int64()))).status, 404);
}

TEST_F(Catalog, AttachmentStorageReportsUsageAndTheLimit) {
  const std::string storage = owner.workspace_path() + "/attachments/storage";
  auto res = call(owner, "GET", storage);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json(),
            (boost::json::value{{"enforced", false}, {"limit_bytes", 0}, {"used_bytes", 0}, {"disk", "ok"}}));
  auto outsider = server.seed_user();
  EXPECT_EQ(call(outsider, "GET", storage).status, 404);

  FocusdServer limited({.extra_args = {"--attachment-quota-bytes", "1048576"}});
  auto user = limited.seed_user();
  auto limited_res = limited.client().get(user.workspace_path() + "/attachments/storage", user.basic());
  ASSERT_EQ(limited_res.status, 200);
  EXPECT_EQ(limited_res.json().at("limit_bytes").as_int64(), 1048576);
  EXPECT_TRUE(limited_res.json().at("enforced").as_bool());
}

}  // namespace
}  // namespace focusd::test
