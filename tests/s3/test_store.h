#pragma once
// The throwaway Ceph RADOS Gateway that tests/s3/ceph started for this test
// run (ctest's `s3` fixture; its directory is FOCUSD_TEST_S3_DIR, by default
// the build's, FOCUSD_S3_GATEWAY_DIR). Tests that
// need it skip unless FOCUSD_TEST_S3=1 (./scripts/test --s3 sets it), and fail
// when it is set but no gateway is running.

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace focusd::s3test {

// True when the tests are to run against S3.
inline bool s3_wanted() {
  const char* wanted = std::getenv("FOCUSD_TEST_S3");
  return wanted && std::string(wanted) == "1";
}

// The gateway's endpoint and the test user's keys: AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_ENDPOINT_URL. Throws when there is no gateway.
// `dir`: another gateway's directory (tests/s3/ceph start DIR) than the run's.
inline std::map<std::string, std::string> gateway_env(std::string dir = "") {
  if (dir.empty()) {
    const char* run = std::getenv("FOCUSD_TEST_S3_DIR");
    dir = run ? run : FOCUSD_S3_GATEWAY_DIR;
  }
  std::map<std::string, std::string> env;
  {
    std::ifstream in(dir + "/env");
    for (std::string line; std::getline(in, line);) {
      const auto equals = line.find('=');
      if (equals != std::string::npos) env[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  if (env.size() < 3) {
    throw std::runtime_error(
        "FOCUSD_TEST_S3=1 but no gateway is running: run the tests through ctest, or start one "
        "with tests/s3/ceph start DIR and set FOCUSD_TEST_S3_DIR=DIR");
  }
  return env;
}

// A key prefix no other test (of this or another process) uses: "t-PID-N/".
inline std::string fresh_prefix() {
  static std::atomic<int> next{0};
  return "t-" + std::to_string(::getpid()) + "-" + std::to_string(next++) + "/";
}

}  // namespace focusd::s3test
