// The admin CLI as an operator runs it.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "support.h"

namespace focusd::test {
namespace {

TEST(Admin, CreateUserMakesAnOrganizationAndWorkspace) {
  FocusdServer server({.start = false});
  auto result = server.admin(
      {"create-user", "--email", "owner@example.com", "--password", "longenough", "--fullname", "Olive Owner"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto out = boost::json::parse(result.out).as_object();
  EXPECT_GT(out.at("user_id").as_int64(), 0);
  EXPECT_GT(out.at("organization_id").as_int64(), 0);
  EXPECT_GT(out.at("workspace_id").as_int64(), 0);
}

TEST(Admin, DuplicateEmailsAreRefusedCaseInsensitively) {
  FocusdServer server({.start = false});
  ASSERT_EQ(server.admin({"create-user", "--email", "a@example.com", "--password", "longenough"}).exit_code, 0);
  auto again = server.admin({"create-user", "--email", "A@EXAMPLE.com", "--password", "longenough"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_TRUE(again.out.empty());
}

TEST(Admin, BadInputIsAClearError) {
  FocusdServer server({.start = false});
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"create-user", "--email", "not-an-email", "--password", "longenough"}, "email"},
      {{"create-user", "--email", "a@example.com", "--password", "short"}, "password"},
      {{"create-user", "--email", "a@example.com", "--password", "longenough", "--organization", "77"},
       "organization 77 not found"},
      {{"create-user", "--email", "a@example.com", "--password", "longenough", "--organization", "1", "--role", "boss"},
       "role"},
      {{"create-user", "--email", "a@example.com"}, "password"},
      {{"create-workspace", "--organization", "77", "--name", "X"}, "organization 77 not found"},
      {{"create-api-key", "--email", "ghost@example.com"}, "not found"},
      {{"create-api-key", "--email", "ghost@example.com", "--expires-in-days", "0"}, "not found"},
  };
  for (const auto& c : cases) {
    auto result = server.admin(c.args);
    EXPECT_NE(result.exit_code, 0) << c.args[0];
    EXPECT_NE(result.err.find(c.message), std::string::npos) << result.err;
  }
}

TEST(Admin, JoiningAnOrganizationUsesItsFirstWorkspace) {
  FocusdServer server({.start = false});
  auto owner = server.seed_user();
  auto admin = server.seed_user("", owner.organization_id, "admin");
  EXPECT_EQ(admin.organization_id, owner.organization_id);
  EXPECT_EQ(admin.workspace_id, owner.workspace_id);
  EXPECT_NE(admin.user_id, owner.user_id);
}

TEST(Admin, IdsAreNeverReused) {
  FocusdServer server({.start = false});
  auto first = server.seed_user();
  server.exec_sql("DELETE FROM organization_users WHERE user_id = " + std::to_string(first.user_id) +
                  "; DELETE FROM users WHERE id = " + std::to_string(first.user_id));
  auto second = server.seed_user();
  EXPECT_GT(second.user_id, first.user_id);
}

TEST(Admin, HelpDocumentsEverySetting) {
  for (const std::vector<std::string>& argv : {std::vector<std::string>{FOCUSD_BINARY, "--help"},
                                               std::vector<std::string>{FOCUSD_BINARY, "serve", "--help"}}) {
    auto result = run_process(argv);
    EXPECT_EQ(result.exit_code, 0);
    for (const char* setting : {"--data",
                                "FOCUSD_DATA",
                                "--listen",
                                "127.0.0.1:8080",
                                "--threads",
                                "--log-level",
                                "--log-format",
                                "--max-header-bytes",
                                "16384",
                                "--max-json-body-bytes",
                                "1048576",
                                "--header-timeout",
                                "--idle-timeout",
                                "--max-connections",
                                "10000",
                                "--auth-cache-ttl",
                                "--shutdown-grace",
                                "--sqlite-synchronous",
                                "--idle-spin-us",
                                "FOCUSD_IDLE_SPIN_US"}) {
      EXPECT_NE(result.out.find(setting), std::string::npos) << setting;
    }
  }
}

}  // namespace
}  // namespace focusd::test
