// GET /metrics: what it counts, read back through Prometheus' own parser
// (the Python client's, from the Debian package python3-prometheus-client,
// run by Debian's own python3), and who may read it.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <string>

#include "attachments_support.h"
#include "support.h"

namespace focusd::test {
namespace {

constexpr const char* kProjects = "/api/organizations/{organization_id}/workspaces/{workspace_id}/projects";

// The samples of an exposition, as Prometheus' parser reads them.
class Samples {
 public:
  explicit Samples(const std::string& exposition) {
    TempDir dir;
    const auto file = dir.path() / "metrics.txt";
    std::ofstream(file) << exposition;
    auto parsed = run_process({"/usr/bin/python3", "-c",
                               "import json, sys\n"
                               "from prometheus_client.parser import text_string_to_metric_families\n"
                               "out = []\n"
                               "for family in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
                               "    for s in family.samples:\n"
                               "        out.append({'name': s.name, 'labels': s.labels, 'value': s.value})\n"
                               "print(json.dumps(out))\n",
                               file.string()});
    parsed_ = parsed.exit_code == 0;
    error_ = parsed.err;
    if (parsed_) samples_ = boost::json::parse(parsed.out).as_array();
  }
  bool parsed() const { return parsed_; }
  const std::string& error() const { return error_; }

  // The sum of the samples named `name` whose labels include `labels`; -1 when there are none.
  double value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    double sum = 0;
    bool found = false;
    for (const auto& sample : samples_) {
      const auto& s = sample.as_object();
      if (s.at("name").as_string() != name) continue;
      bool matches = true;
      for (const auto& [key, wanted] : labels) {
        const auto* got = s.at("labels").as_object().if_contains(key);
        matches = matches && got && got->as_string() == wanted;
      }
      if (!matches) continue;
      found = true;
      sum += s.at("value").to_number<double>();
    }
    return found ? sum : -1;
  }

 private:
  bool parsed_ = false;
  std::string error_;
  boost::json::array samples_;
};

TEST(Metrics, CountWhatTheServerDidInPrometheusTextFormat) {
  FocusdServer server;
  auto owner = server.seed_user();
  auto client = server.client();
  const std::string bytes = binary_bytes(300000);
  const std::string view = upload_for_view(client, owner, bytes);
  ASSERT_FALSE(view.empty());
  EXPECT_EQ(client.get(view, owner.basic()).status, 200);
  EXPECT_EQ(client.get("/no/such/path").status, 404);

  auto res = client.get("/metrics");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const Samples samples(res.body);
  ASSERT_TRUE(samples.parsed()) << samples.error() << res.body;

  const std::string projects = kProjects;
  EXPECT_EQ(samples.value("focusd_http_requests_total", {{"method", "POST"}, {"route", projects}, {"status", "201"}}),
            1);
  EXPECT_EQ(samples.value("focusd_http_requests_total",
                          {{"method", "POST"}, {"route", projects + "/{project_id}/attachments"}, {"status", "201"}}),
            1);
  EXPECT_EQ(samples.value("focusd_http_requests_total",
                          {{"method", "GET"},
                           {"route", projects + "/{project_id}/attachments/{attachment_id}/view"},
                           {"status", "200"}}),
            1);
  EXPECT_EQ(samples.value("focusd_http_requests_total", {{"route", "unmatched"}, {"status", "404"}}), 1);
  EXPECT_EQ(samples.value("focusd_http_request_duration_seconds_count", {{"route", projects}, {"status", "201"}}), 1);
  EXPECT_EQ(samples.value("focusd_http_requests_in_flight"), 1);  // this scrape
  EXPECT_GE(samples.value("focusd_http_connections"), 1);
  EXPECT_GE(samples.value("focusd_upload_bytes_total"), static_cast<double>(bytes.size()));

  EXPECT_GE(samples.value("focusd_database_call_duration_seconds_count", {{"call", "read"}}), 1);
  EXPECT_GE(samples.value("focusd_database_call_duration_seconds_count", {{"call", "write"}}), 2);
  EXPECT_EQ(samples.value("focusd_database_errors_total"), 0);
  EXPECT_GE(samples.value("focusd_blob_call_duration_seconds_count", {{"call", "publish"}}), 1);
  EXPECT_GE(samples.value("focusd_blob_call_duration_seconds_count", {{"call", "open"}}), 1);
  EXPECT_EQ(samples.value("focusd_blob_errors_total"), 0);
  EXPECT_GE(samples.value("focusd_pool_wait_seconds_count", {{"pool", "blocking"}}), 1);
  EXPECT_GE(samples.value("focusd_pool_wait_seconds_count", {{"pool", "password_hash"}}), 1);  // Basic auth
  EXPECT_EQ(samples.value("focusd_pool_queued", {{"pool", "blocking"}}), 0);

  // A histogram's buckets add up: +Inf is the count.
  const std::map<std::string, std::string> created = {{"route", projects}, {"status", "201"}};
  auto inf = created;
  inf["le"] = "+Inf";
  EXPECT_EQ(samples.value("focusd_http_request_duration_seconds_bucket", inf), 1);
  auto smallest = created;
  smallest["le"] = "0.0005";
  EXPECT_LE(samples.value("focusd_http_request_duration_seconds_bucket", smallest), 1);
  EXPECT_GE(samples.value("focusd_http_request_duration_seconds_bucket", smallest), 0);

  EXPECT_GT(samples.value("process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(samples.value("process_open_fds"), 3);
  EXPECT_GT(samples.value("focusd_uptime_seconds"), 0);
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(samples.value("process_start_time_seconds"), now, 600);
}

// What an unknown path gets, but for its trace id.
std::string not_found_error(const HttpResponse& res) {
  if (res.status != 404) return "status " + std::to_string(res.status);
  return std::string(res.json().at("error").as_string()) + ": " +
         std::string(res.json().at("error_description").as_string());
}

TEST(Metrics, OffTheyAreNotThere) {
  FocusdServer server({.extra_args = {"--metrics", "off"}});
  auto client = server.client();
  const std::string unknown = not_found_error(client.get("/no/such/path"));
  EXPECT_EQ(not_found_error(client.get("/metrics")), unknown);
}

TEST(Metrics, WithATokenOnlyItsBearerReadsThem) {
  const std::string token = "metrics-token-0123456789abcdef";
  FocusdServer server({.extra_args = {"--metrics", "token"}, .env = {{"FOCUSD_METRICS_TOKEN", token}}});
  auto owner = server.seed_user();
  auto client = server.client();
  const std::string unknown = not_found_error(client.get("/no/such/path"));
  EXPECT_EQ(not_found_error(client.get("/metrics")), unknown) << "no token, from loopback";
  EXPECT_EQ(not_found_error(client.get("/metrics", {{"Authorization", "Bearer " + token + "x"}})), unknown);
  EXPECT_EQ(not_found_error(client.get("/metrics", {{"Authorization", "Bearer "}})), unknown);
  EXPECT_EQ(not_found_error(client.get("/metrics", owner.basic())), unknown) << "a user is not the token";
  EXPECT_EQ(client.get("/metrics", {{"Authorization", "Bearer " + token}}).status, 200);
  EXPECT_EQ(client.get("/metrics", {{"Authorization", "bearer " + token}}).status, 200);
  server.stop();
  EXPECT_EQ(server.log().find(token), std::string::npos) << server.log();
}

TEST(Metrics, ATokenSettingWithoutATokenIsRefusedAtStart) {
  FocusdServer server({.extra_args = {"--metrics", "token"}, .start = false});
  auto code = server.start_expecting_exit(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  EXPECT_NE(server.log().find("FOCUSD_METRICS_TOKEN"), std::string::npos) << server.log();
}

}  // namespace
}  // namespace focusd::test
