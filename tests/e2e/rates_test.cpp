// Project rates: the timeline, the current rate, include_rates.
#include "projects_support.h"

namespace focusd::test {
namespace {

using boost::json::object;

class Rates : public WorkspaceTest {
 protected:
  void SetUp() override { id = create_project({{"name", "Billed"}, {"billable", true}}); }
  std::string rates() const { return project(id) + "/rates"; }
  // [(start_at, end_at or "", hourly_rate)] in start order.
  std::vector<std::tuple<std::string, std::string, double>> timeline() {
    auto res = call(owner, "GET", rates());
    EXPECT_EQ(res.status, 200) << res.body;
    std::vector<std::tuple<std::string, std::string, double>> out;
    const auto body = res.json();
    for (const auto& r : body.as_array()) {
      out.emplace_back(std::string(r.at("start_at").as_string()),
                       r.at("end_at").is_null() ? "" : std::string(r.at("end_at").as_string()),
                       r.at("hourly_rate").to_number<double>());
    }
    return out;
  }
  std::int64_t id = 0;
};

TEST_F(Rates, ANewRateCutsTheOldOneShort) {
  auto first = create(owner, rates(), {{"hourly_rate", 100}, {"currency", "EUR"}, {"start_at", "2020-01-01"}});
  EXPECT_EQ(first.at("start_at").as_string(), "2020-01-01T00:00:00Z");
  EXPECT_TRUE(first.at("end_at").is_null());
  EXPECT_EQ(first.at("hourly_rate").as_int64(), 100);
  create(owner, rates(), {{"hourly_rate", 120.5}, {"currency", "EUR"}, {"start_at", "2021-06-01T02:00:00+02:00"}});
  using T = std::vector<std::tuple<std::string, std::string, double>>;
  EXPECT_EQ(timeline(),
            (T{{"2020-01-01T00:00:00Z", "2021-06-01T00:00:00Z", 100}, {"2021-06-01T00:00:00Z", "", 120.5}}));
  // A bounded rate inside another splits it.
  create(owner, rates(),
         {{"hourly_rate", 80}, {"currency", "USD"}, {"start_at", "2022-01-01"}, {"end_at", "2022-02-01"}});
  EXPECT_EQ(timeline(), (T{{"2020-01-01T00:00:00Z", "2021-06-01T00:00:00Z", 100},
                           {"2021-06-01T00:00:00Z", "2022-01-01T00:00:00Z", 120.5},
                           {"2022-01-01T00:00:00Z", "2022-02-01T00:00:00Z", 80},
                           {"2022-02-01T00:00:00Z", "", 120.5}}));
  // Deleting a range cuts it out.
  ASSERT_EQ(call(owner, "DELETE", rates() + "?from=2021-01-01T00:00:00Z&to=2022-01-15T00:00:00Z").status, 204);
  EXPECT_EQ(timeline(), (T{{"2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z", 100},
                           {"2022-01-15T00:00:00Z", "2022-02-01T00:00:00Z", 80},
                           {"2022-02-01T00:00:00Z", "", 120.5}}));
  auto newest_first = call(owner, "GET", rates() + "?order_by=start_at,desc").json();
  EXPECT_EQ(newest_first.as_array()[0].at("start_at").as_string(), "2022-02-01T00:00:00Z");
  expect_validation(call(owner, "GET", rates() + "?order_by=currency"), "order_by");
}

TEST_F(Rates, TheCurrentRateAndIncludeRates) {
  EXPECT_EQ(call(owner, "GET", rates() + "/current").status, 404);
  EXPECT_TRUE(call(owner, "GET", project(id) + "?include_rates=true").json().at("rate").is_null());
  create(owner, rates(), {{"hourly_rate", 90}, {"currency", "GBP"}, {"start_at", "2020-01-01"}});
  auto current = call(owner, "GET", rates() + "/current");
  ASSERT_EQ(current.status, 200);
  EXPECT_EQ(current.json().at("currency").as_string(), "GBP");
  auto rate = call(owner, "GET", project(id) + "?include_rates=true").json().at("rate");
  EXPECT_EQ(rate.at("hourly_rate").as_int64(), 90);
  EXPECT_EQ(rate.at("project_id").as_int64(), id);
  EXPECT_EQ(rate.at("project_name").as_string(), "Billed");
  EXPECT_TRUE(rate.at("billable").as_bool());
  EXPECT_FALSE(rate.at("has_more_rates").as_bool());
  auto listed = call(owner, "GET", projects() + "?include_rates=true").json();
  EXPECT_EQ(listed.at("data").as_array()[0].at("rate").at("hourly_rate").as_int64(), 90);
  EXPECT_FALSE(call(owner, "GET", projects()).json().at("data").as_array()[0].as_object().contains("rate"));
  // A rate that ended is not current.
  ASSERT_EQ(call(owner, "DELETE", rates() + "?from=2021-01-01T00:00:00Z").status, 204);
  EXPECT_EQ(call(owner, "GET", rates() + "/current").status, 404);
}

TEST_F(Rates, BadInputAndAccess) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"currency":"EUR","start_at":"2020-01-01"})", "hourly_rate"},
      {R"({"hourly_rate":-1,"currency":"EUR","start_at":"2020-01-01"})", "hourly_rate"},
      {R"({"hourly_rate":"5","currency":"EUR","start_at":"2020-01-01"})", "hourly_rate"},
      {R"({"hourly_rate":5,"currency":"EURO","start_at":"2020-01-01"})", "currency"},
      {R"({"hourly_rate":5,"currency":"EUR"})", "start_at"},
      {R"({"hourly_rate":5,"currency":"EUR","start_at":"yesterday"})", "start_at"},
      {R"({"hourly_rate":5,"currency":"EUR","start_at":"2020-01-01T25:00:00Z"})", "start_at"},
      {R"({"hourly_rate":5,"currency":"EUR","start_at":"2020-02-01","end_at":"2020-01-01"})", "end_at"},
      {R"({"hourly_rate":5,"currency":"EUR","start_at":"2020-01-01","bogus":1})", "bogus"},
  };
  for (const auto& [body, field] : cases) expect_validation(call(owner, "POST", rates(), body), field, body);
  expect_validation(call(owner, "DELETE", rates()), "from");
  expect_validation(call(owner, "DELETE", rates() + "?from=nope"), "from");
  expect_validation(call(owner, "DELETE", rates() + "?from=2020-02-01T00:00:00Z&to=2020-01-01T00:00:00Z"), "to");

  auto member = server.seed_user("", owner.organization_id, "member");
  EXPECT_EQ(call(member, "GET", rates()).status, 200);
  EXPECT_EQ(call(member, "POST", rates(), R"({"hourly_rate":5,"currency":"EUR","start_at":"2020-01-01"})").status, 403);
  EXPECT_EQ(call(member, "DELETE", rates() + "?from=2020-01-01").status, 403);
  auto outsider = server.seed_user();
  EXPECT_EQ(call(outsider, "GET", rates()).status, 404);
  EXPECT_EQ(call(outsider, "GET", rates() + "/current").status, 404);
}

}  // namespace
}  // namespace focusd::test
