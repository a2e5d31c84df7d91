#include "config/config.h"

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

namespace focusd {
namespace {

std::string label(const std::string& database) {
  Config config;
  config.data_dir = "/srv/focusd";
  config.database = database;
  return config.database_label();
}

TEST(Config, TheDatabaseLabelIsTheSqliteFileWithoutADatabase) {
  EXPECT_EQ(label(""), "/srv/focusd/focusd.db");
}

TEST(Config, TheDatabaseLabelHidesEveryPassword) {
  EXPECT_EQ(label("postgresql://focusd:secret@db.example:5432/focusd?sslmode=require"),
            "postgresql://focusd:***@db.example:5432/focusd?sslmode=require");
  EXPECT_EQ(label("postgresql://focusd@db/focusd?password=secret&sslmode=require"),
            "postgresql://focusd@db/focusd?password=***&sslmode=require");
  EXPECT_EQ(label("postgres://u:p%40ss@db/x?sslpassword=key-secret"), "postgres://u:***@db/x?sslpassword=***");
  EXPECT_EQ(label("postgresql://db.example/focusd"), "postgresql://db.example/focusd");
  EXPECT_EQ(label("postgresql://focusd@db.example:5432/focusd"), "postgresql://focusd@db.example:5432/focusd");
}

TEST(Config, ADatabaseMustBeAPostgresqlUri) {
  Config config;
  config.database = "/var/lib/focusd.db";
  EXPECT_NE(validate(config), "");
  config.database = "postgresql://db/focusd";
  EXPECT_EQ(validate(config), "");
}

TEST(Config, TheBlobStoreHasAPoolOfItsOwnWithS3AndWhenAskedFor) {
  Config config;
  EXPECT_EQ(config.blob_pool_threads(), 0u);  // the disk: the blocking pool's
  config.blobs = "s3://bucket";
  EXPECT_EQ(config.blob_pool_threads(), 8u);
  config.blob_threads = 0;
  EXPECT_EQ(config.blob_pool_threads(), 0u);
  config.blobs.clear();
  config.blob_threads = 3;
  EXPECT_EQ(config.blob_pool_threads(), 3u);
}

// Parses `args` as `focusd serve`'s options; false when CLI11 refuses them.
bool parse_serve(Config& config, const std::string& args) {
  CLI::App app;
  add_serve_options(app, config);
  try {
    app.parse(args, false);
  } catch (const CLI::ParseError&) {
    return false;
  }
  return true;
}

TEST(Config, AMillisecondSettingTakesUpToADay) {
  Config config;
  ASSERT_TRUE(parse_serve(config,
                          "--api-key-cache-ttl-ms 3600000 --login-refusal-delay-ms 120000 "
                          "--sqlite-busy-timeout 86400000 --login-failure-window 86400"));
  EXPECT_EQ(config.api_key_cache_ttl, std::chrono::hours(1));
  EXPECT_EQ(config.login_refusal_delay, std::chrono::minutes(2));
  EXPECT_EQ(config.sqlite_busy_timeout, std::chrono::hours(24));
  EXPECT_EQ(config.login_failure_window, std::chrono::hours(24));
  Config more;
  EXPECT_FALSE(parse_serve(more, "--api-key-cache-ttl-ms 86400001"));
  EXPECT_FALSE(parse_serve(more, "--login-failure-window 86401"));
}

}  // namespace
}  // namespace focusd
