// The e2e suite's main. `--backend=postgres` (ctest's e2e.pg.* pass) runs it
// on PostgreSQL (sets FOCUSD_TEST_BACKEND=postgres, see support.h); there
// every test skips unless PostgreSQL is wanted (FOCUSD_TEST_PG=1, as
// ./scripts/test --pg sets it), as the unit tests on PostgreSQL do.
// `--blobs=s3` (ctest's e2e.s3.* pass: the attachment tests) keeps the
// servers' attachments in the test gateway (FOCUSD_TEST_BLOBS=s3), and skips
// unless FOCUSD_TEST_S3=1.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

#include "support.h"
#include "test_database.h"
#include "test_store.h"

namespace {

class PostgresPass : public ::testing::Environment {
 public:
  void SetUp() override {
    if (focusd::test::on_postgres() && !focusd::pgtest::postgres_wanted()) {
      GTEST_SKIP() << "without PostgreSQL (FOCUSD_TEST_PG=1 or ./scripts/test --pg)";
    }
    if (focusd::test::on_s3() && !focusd::s3test::s3_wanted()) {
      GTEST_SKIP() << "without S3 (FOCUSD_TEST_S3=1 or ./scripts/test --s3)";
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);  // takes out the --gtest_* flags
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--backend=postgres") ::setenv("FOCUSD_TEST_BACKEND", "postgres", 1);
    if (std::string_view(argv[i]) == "--blobs=s3") ::setenv("FOCUSD_TEST_BLOBS", "s3", 1);
  }
  ::testing::AddGlobalTestEnvironment(new PostgresPass);  // gtest owns it
  return RUN_ALL_TESTS();
}
