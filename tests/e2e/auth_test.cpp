// Basic and Bearer authentication against the real server.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support.h"

namespace focusd::test {
namespace {

void expect_unauthorized(const HttpResponse& res) {
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.header("WWW-Authenticate"), "Basic realm=\"focusd\"");
  auto body = res.json().as_object();
  EXPECT_EQ(body.at("error").as_string(), "unauthorized");
  EXPECT_FALSE(body.at("error_description").as_string().empty());
  EXPECT_EQ(body.at("trace_id").as_string(), res.header("X-Request-Id"));
}

TEST(Auth, BasicWithTheRightPasswordSucceeds) {
  FocusdServer server;
  auto alice = server.seed_user("alice@example.com");
  auto res = server.client().get("/api/users/me/settings", alice.basic());
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = res.json().as_object();
  EXPECT_EQ(body.at("user_id").as_int64(), alice.user_id);
  EXPECT_EQ(body.at("email").as_string(), "alice@example.com");
  EXPECT_EQ(body.at("default_organization_id").as_int64(), alice.organization_id);
  EXPECT_EQ(body.at("default_workspace_id").as_int64(), alice.workspace_id);
}

TEST(Auth, EmailIsCaseInsensitive) {
  FocusdServer server;
  auto alice = server.seed_user("Alice@Example.com");
  SeededUser shouting = alice;
  shouting.email = "ALICE@EXAMPLE.COM";
  EXPECT_EQ(server.client().get("/api/users/me/settings", shouting.basic()).status, 200);
}

TEST(Auth, WrongPasswordIsRejectedEvenAfterASuccess) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto client = server.client();
  ASSERT_EQ(client.get("/api/users/me/settings", alice.basic()).status, 200);  // now cached
  SeededUser wrong = alice;
  wrong.password += "x";
  expect_unauthorized(client.get("/api/users/me/settings", wrong.basic()));
  wrong.password = alice.password.substr(0, alice.password.size() - 1);
  expect_unauthorized(client.get("/api/users/me/settings", wrong.basic()));
  EXPECT_EQ(client.get("/api/users/me/settings", alice.basic()).status, 200);
}

TEST(Auth, MissingMalformedAndUnknownCredentialsAreRejected) {
  FocusdServer server;
  server.seed_user("alice@example.com");
  auto client = server.client();
  expect_unauthorized(client.get("/api/users/me/settings"));
  for (std::string value :
       {"Basic", "Basic !!!notbase64", "Basic YWxpY2U=", "Digest abc", "Bearer", "Bearer toggl_sk_123",
        "Bearer toggl_sk_0123456789abcdef0123456789ABCDEF", "Bearer toggl_sk_0123456789abcdef0123456789abcdef"}) {
    expect_unauthorized(client.get("/api/users/me/settings", {{"Authorization", value}}));
  }
  SeededUser nobody{"nobody@example.com", "whatever-password"};
  expect_unauthorized(client.get("/api/users/me/settings", nobody.basic()));
}

TEST(Auth, APasswordChangeInvalidatesTheCachedSuccess) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto bob = server.seed_user();
  auto client = server.client();
  ASSERT_EQ(client.get("/api/users/me/settings", alice.basic()).status, 200);  // cached now
  // Give alice bob's password (hash), as a password change would.
  server.exec_sql("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = " +
                  std::to_string(bob.user_id) + ") WHERE id = " + std::to_string(alice.user_id));
  expect_unauthorized(client.get("/api/users/me/settings", alice.basic()));
  SeededUser renewed = alice;
  renewed.password = bob.password;
  auto res = client.get("/api/users/me/settings", renewed.basic());
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.json().at("user_id").as_int64(), alice.user_id);
}

TEST(Auth, ApiKeyAuthenticates) {
  FocusdServer server;
  auto alice = server.seed_user();
  const std::string key = server.create_api_key(alice.email);
  ASSERT_EQ(key.rfind("toggl_sk_", 0), 0u);
  ASSERT_EQ(key.size(), 9u + 32u);
  auto res = server.client().get("/api/users/me/settings", bearer(key));
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.json().at("user_id").as_int64(), alice.user_id);
  // The scheme name is case-insensitive.
  EXPECT_EQ(server.client().get("/api/users/me/settings", {{"Authorization", "bearer " + key}}).status, 200);
}

TEST(Auth, ANewKeyRevokesTheOldOne) {
  FocusdServer server;
  auto alice = server.seed_user();
  const std::string first = server.create_api_key(alice.email);
  const std::string second = server.create_api_key(alice.email);
  ASSERT_NE(first, second);
  auto client = server.client();
  expect_unauthorized(client.get("/api/users/me/settings", bearer(first)));
  EXPECT_EQ(client.get("/api/users/me/settings", bearer(second)).status, 200);
}

TEST(Auth, KeysOfOneUserDoNotTouchAnother) {
  FocusdServer server;
  auto alice = server.seed_user();
  auto bob = server.seed_user();
  const std::string alice_key = server.create_api_key(alice.email);
  server.create_api_key(bob.email);
  auto res = server.client().get("/api/users/me/settings", bearer(alice_key));
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.json().at("user_id").as_int64(), alice.user_id);
}

TEST(Auth, AnExpiredKeyIsRejected) {
  FocusdServer server({.extra_args = {"--api-key-cache-ttl-ms", "0"}});  // nothing remembered: refused at once
  auto alice = server.seed_user();
  auto created = server.admin({"create-api-key", "--email", alice.email, "--expires-in-days", "30"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string key(boost::json::parse(created.out).at("api_key").as_string());
  EXPECT_FALSE(boost::json::parse(created.out).at("expires_at").is_null());
  auto client = server.client();
  EXPECT_EQ(client.get("/api/users/me/settings", bearer(key)).status, 200);

  server.exec_sql("UPDATE api_keys SET expires_at = '2020-01-01T00:00:00Z'");
  expect_unauthorized(client.get("/api/users/me/settings", bearer(key)));
}

// A key's user is remembered for --api-key-cache-ttl-ms: a key revoked by
// another process (`focusd admin create-api-key`) is refused after that long.
TEST(Auth, ARevokedKeyIsRefusedOnceTheKeyCacheForgetsIt) {
  FocusdServer server({.extra_args = {"--api-key-cache-ttl-ms", "300"}});
  auto alice = server.seed_user();
  const std::string first = server.create_api_key(alice.email);
  auto client = server.client();
  ASSERT_EQ(client.get("/api/users/me/settings", bearer(first)).status, 200);
  const std::string second = server.create_api_key(alice.email);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  expect_unauthorized(client.get("/api/users/me/settings", bearer(first)));
  EXPECT_EQ(client.get("/api/users/me/settings", bearer(second)).status, 200);
}

TEST(Auth, AKeysUserIsRememberedWithinTheKeyCacheTtl) {
  FocusdServer server({.extra_args = {"--api-key-cache-ttl-ms", "60000"}});
  auto alice = server.seed_user();
  const std::string key = server.create_api_key(alice.email);
  auto client = server.client();
  ASSERT_EQ(client.get("/api/users/me/settings", bearer(key)).status, 200);
  server.exec_sql("DELETE FROM api_keys");
  // Answered from memory: no database read says who is calling.
  EXPECT_EQ(client.get("/api/users/me/settings", bearer(key)).status, 200);
  // Only successes are remembered: another key is looked up, and refused.
  expect_unauthorized(client.get("/api/users/me/settings", bearer("toggl_sk_0123456789abcdef0123456789abcdef")));
}

TEST(Auth, KeysAreStoredOnlyAsDigests) {
  FocusdServer server;
  auto alice = server.seed_user();
  const std::string key = server.create_api_key(alice.email);
  server.stop();
  // Everything the database holds: SQLite's files, or PostgreSQL's rows as pg_dump writes them.
  std::string db;
  if (on_postgres()) {
    auto dump = run_process({"/usr/lib/postgresql/15/bin/pg_dump", "--data-only", server.database()});
    ASSERT_EQ(dump.exit_code, 0) << dump.err;
    db = dump.out;
  } else {
    db = read_file(server.database_path()) + read_file(server.database_path().string() + "-wal");
  }
  EXPECT_EQ(db.find(key.substr(9)), std::string::npos);
  EXPECT_EQ(db.find(alice.password), std::string::npos);
  EXPECT_NE(db.find("$argon2id$"), std::string::npos);
}

}  // namespace
}  // namespace focusd::test
