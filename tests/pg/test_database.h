#pragma once
// A fresh PostgreSQL database for one test, in the cluster that
// tests/pg/cluster started for this test run (ctest's `pg` fixture; its
// directory is FOCUSD_TEST_PG_CLUSTER). Tests that need one skip unless
// FOCUSD_TEST_PG=1 (./scripts/test --pg sets it), and fail when it is set but
// no cluster is running.

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include "store/postgres/connection.h"

namespace focusd::pgtest {

// True when the tests are to run on PostgreSQL.
inline bool postgres_wanted() {
  const char* wanted = std::getenv("FOCUSD_TEST_PG");
  return wanted && std::string(wanted) == "1";
}

// The cluster superuser's URL (…/postgres). Throws when there is none.
inline std::string cluster_url() {
  const char* dir = std::getenv("FOCUSD_TEST_PG_CLUSTER");
  std::string url;
  if (dir) std::getline(std::ifstream(std::string(dir) + "/url"), url);
  if (url.empty()) {
    throw std::runtime_error(
        "FOCUSD_TEST_PG=1 but no cluster is running: run the tests through ctest, or start one "
        "with tests/pg/cluster start DIR and set FOCUSD_TEST_PG_CLUSTER=DIR");
  }
  return url;
}

// The URL of `database` in the cluster.
inline std::string database_url(const std::string& database) {
  std::string url = cluster_url();
  return url.substr(0, url.rfind('/') + 1) + database;
}

class TestDatabase {
 public:
  TestDatabase()
      : name_("focusd_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_number())),
        admin_(postgres::Connection::open(cluster_url())) {
    admin_->exec_script("CREATE DATABASE " + name_);
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  ~TestDatabase() {
    try {
      admin_->exec_script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const postgres::PgError&) {
      // The cluster is gone: the fixture's cleanup removes it all.
    }
  }
  const std::string& name() const { return name_; }
  std::string url() const { return database_url(name_); }

 private:
  static int next_number() {
    static std::atomic<int> number{0};
    return ++number;
  }
  std::string name_;
  std::unique_ptr<postgres::Connection> admin_;  // the cluster's superuser, for CREATE and DROP
};

}  // namespace focusd::pgtest
