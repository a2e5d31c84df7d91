#include "config/config.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace focusd
