// GET/PATCH /api/users/me/settings and GET /api/organizations/{id}/workspaces.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "support.h"

namespace focusd::test {
namespace {

const Headers kJson = {{"Content-Type", "application/json"}};

Headers with(Headers a, const Headers& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Settings, DefaultsAreReturned) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto body = server.client().get("/api/users/me/settings", alice.basic()).json().as_object();
  EXPECT_EQ(body.at("theme").as_string(), "auto");
  EXPECT_EQ(body.at("timezone").as_string(), "UTC");
  EXPECT_EQ(body.at("current_workspace_id").as_int64(), alice.workspace_id);
  EXPECT_EQ(body.at("fullname").as_string(), "");
}

TEST(Settings, PatchChangesOnlyWhatItNamesAndNullResets) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto client = server.client();
  auto headers = with(alice.basic(), kJson);
  auto res = client.request("PATCH", "/api/users/me/settings", headers,
                            R"({"theme":"dark","timezone":"Europe/Tallinn","start_week_on":0,)"
                            R"("pomodoro_mode_session_duration_mins":1,"sync_external_calendar":"ask"})");
  ASSERT_EQ(res.status, 200) << res.body;
  res = client.request("PATCH", "/api/users/me/settings", headers, R"({"time_format":"12h","theme":null})");
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = client.get("/api/users/me/settings", alice.basic()).json().as_object();
  EXPECT_EQ(body.at("theme").as_string(), "auto");
  EXPECT_EQ(body.at("timezone").as_string(), "Europe/Tallinn");
  EXPECT_EQ(body.at("start_week_on").as_int64(), 0);
  EXPECT_EQ(body.at("time_format").as_string(), "12h");
  EXPECT_EQ(body.at("pomodoro_mode_session_duration_mins").as_int64(), 1);
  EXPECT_EQ(body.at("sync_external_calendar").as_string(), "ask");
}

// One client finds its organization only here: each organization of the user
// is a key of tos_ack_decoupled_licenses, valued when the user joined it,
// unless the user stored a value for that key.
TEST(Settings, EachOrganizationIsAKeyOfTheLicenseAcknowledgements) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto client = server.client();
  const std::string org = std::to_string(alice.organization_id);
  auto acks = [&] {
    return client.get("/api/users/me/settings", alice.basic()).json().at("tos_ack_decoupled_licenses").as_object();
  };
  auto joined = acks();
  ASSERT_EQ(joined.size(), 1u) << boost::json::serialize(joined);
  const std::string when(joined.at(org).as_string());
  EXPECT_EQ(when.size(), 20u) << when;  // YYYY-MM-DDTHH:MM:SSZ
  EXPECT_EQ(when.back(), 'Z') << when;
  auto res = client.request("PATCH", "/api/users/me/settings", with(alice.basic(), kJson),
                            R"({"tos_ack_decoupled_licenses":{")" + org + R"(":"2026-12-01T10:00:00Z","9999":"x"}})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json().at("tos_ack_decoupled_licenses").at(org).as_string(), "2026-12-01T10:00:00Z");
  EXPECT_EQ(acks().at("9999").as_string(), "x");
  res = client.request("PATCH", "/api/users/me/settings", with(alice.basic(), kJson),
                       R"({"tos_ack_decoupled_licenses":null})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(acks(), (boost::json::object{{org, when}}));
}

TEST(Settings, BadPatchesAre400NamingTheField) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto bob = server.seed_user();
  auto client = server.client();
  auto headers = with(alice.basic(), kJson);
  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"theme":"purple"})", "theme"},
      {R"({"theme":7})", "theme"},
      {R"({"start_week_on":3})", "start_week_on"},
      {R"({"start_week_on":"1"})", "start_week_on"},
      {R"({"shortcuts_enabled":"yes"})", "shortcuts_enabled"},
      // The Swagger's minimums and enums of the PATCH payload.
      {R"({"pomodoro_mode_session_duration_mins":0})", "pomodoro_mode_session_duration_mins"},
      {R"({"pomodoro_mode_break_duration_mins":-5})", "pomodoro_mode_break_duration_mins"},
      {R"({"time_tracking_mode_duration_mins":0})", "time_tracking_mode_duration_mins"},
      {R"({"pomodoro_mode_session_duration_mins":2.5})", "pomodoro_mode_session_duration_mins"},
      {R"({"sync_external_calendar":"sometimes"})", "sync_external_calendar"},
      {R"({"no_such_setting":true})", "no_such_setting"},
      {R"({"current_workspace_id":-4})", "current_workspace_id"},
      {R"({"current_workspace_id":)" + std::to_string(bob.workspace_id) + "}", "current_workspace_id"},
      {R"({"timezone":")" + std::string(300, 'a') + "\"}", "timezone"},
      {R"({"theme":"dark")", "body"},
      {R"([1,2])", "body"},
      {"", "body"},
  };
  for (const auto& c : cases) {
    auto res = client.request("PATCH", "/api/users/me/settings", headers, c.body);
    EXPECT_EQ(res.status, 400) << c.body;
    auto body = res.json().as_object();
    EXPECT_EQ(body.at("error").as_string(), "validation") << c.body;
    EXPECT_TRUE(body.at("error_values").as_object().contains(c.field)) << c.body << " -> " << res.body;
  }
  // Nothing of the rejected patches stuck.
  EXPECT_EQ(client.get("/api/users/me/settings", alice.basic()).json().at("theme").as_string(), "auto");
}

TEST(Settings, WrongContentTypeIs415) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto res = server.client().request("PATCH", "/api/users/me/settings",
                                     with(alice.basic(), {{"Content-Type", "text/plain"}}), R"({"theme":"dark"})");
  EXPECT_EQ(res.status, 415);
  EXPECT_EQ(res.json().at("error").as_string(), "unsupported_media_type");
}

TEST(Settings, CurrentWorkspaceCanBeChosenAmongTheUsersOwn) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto made =
      server.admin({"create-workspace", "--organization", std::to_string(alice.organization_id), "--name", "Second"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto second = boost::json::parse(made.out).at("workspace_id").as_int64();
  auto client = server.client();
  auto res = client.request("PATCH", "/api/users/me/settings", with(alice.basic(), kJson),
                            R"({"current_workspace_id":)" + std::to_string(second) + "}");
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = client.get("/api/users/me/settings", alice.basic()).json().as_object();
  EXPECT_EQ(body.at("current_workspace_id").as_int64(), second);
  EXPECT_EQ(body.at("default_workspace_id").as_int64(), second);
}

TEST(Workspaces, MembersSeeTheirOrganizationsWorkspaces) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto bob = server.seed_user("", alice.organization_id, "member");
  EXPECT_EQ(bob.organization_id, alice.organization_id);
  EXPECT_EQ(bob.workspace_id, alice.workspace_id);
  ASSERT_EQ(
      server.admin({"create-workspace", "--organization", std::to_string(alice.organization_id), "--name", "Research"})
          .exit_code,
      0);
  auto client = server.client();
  for (const auto& user : {alice, bob}) {
    auto res = client.get(alice.organization_path() + "/workspaces", user.basic());
    ASSERT_EQ(res.status, 200) << res.body;
    auto list = res.json().as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("id").as_int64(), alice.workspace_id);
    EXPECT_EQ(list[1].at("name").as_string(), "Research");
    EXPECT_EQ(list[1].at("organization_id").as_int64(), alice.organization_id);
    EXPECT_EQ(list[1].at("created_at").as_string().size(), 20u);  // 2026-11-22T15:04:05Z
  }
}

TEST(Workspaces, OtherOrganizationsLookExactlyLikeMissingOnes) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto mallory = server.seed_user();
  auto client = server.client();
  auto foreign = client.get(alice.organization_path() + "/workspaces", mallory.basic());
  auto missing = client.get("/api/organizations/424242/workspaces", mallory.basic());
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(missing.status, 404);
  auto a = foreign.json().as_object();
  auto b = missing.json().as_object();
  a.erase("trace_id");
  b.erase("trace_id");
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace focusd::test
