#include "domain/user_settings.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace focusd::domain {
namespace {

boost::json::object obj(const char* text) {
  return boost::json::parse(text).as_object();
}

TEST(UserSettings, AcceptsKnownFieldsOfTheRightType) {
  EXPECT_TRUE(validate_settings_patch(obj(
      R"({"theme":"dark","start_week_on":0,"shortcuts_enabled":false,"timezone":"Europe/Tallinn",
          "current_workspace_id":3,"platform_nudges":{"a":"2026-12-01T00:00:00Z"},"theme":null})")));
}

TEST(UserSettings, RejectionsNameTheField) {
  for (const char* text :
       {R"({"theme":"neon"})", R"({"start_week_on":2})", R"({"start_week_on":1.5})", R"({"shortcuts_enabled":1})",
        R"({"platform_nudges":[]})", R"({"bogus":1})", R"({"current_workspace_id":18446744073709551615})",
        R"({"platform_nudges":{"a":1}})", R"({"tos_ack_decoupled_licenses":{"1":5}})",
        R"({"trial_ended_modal_seen":{"1":{"nested":"x"}}})", R"({"platform_nudges":{"a":null}})"}) {
    auto status = validate_settings_patch(obj(text));
    ASSERT_FALSE(status) << text;
    EXPECT_EQ(status.error().values.size(), 1u) << text;
  }
}

TEST(UserSettings, PatchSetsAndNullRemoves) {
  auto stored =
      apply_settings_patch(obj(R"({"theme":"dark","timezone":"UTC"})"), obj(R"({"theme":null,"time_format":"12h"})"));
  EXPECT_EQ(stored, obj(R"({"timezone":"UTC","time_format":"12h"})"));
}

TEST(UserSettings, EffectiveSettingsFillDefaults) {
  auto view = effective_settings(obj(R"({"theme":"light"})"));
  EXPECT_EQ(view.at("theme").as_string(), "light");
  EXPECT_EQ(view.at("date_format").as_string(), "ISO");
  EXPECT_FALSE(view.contains("autolog_time"));
}

TEST(UserSettings, EachOrganizationIsAcknowledgedWhenJoinedUnlessTheUserStoredAValue) {
  const std::vector<Membership> memberships = {{3, OrgRole::Owner, "2026-01-02T03:04:05Z"},
                                               {9, OrgRole::Member, "2026-06-07T08:09:10Z"}};
  EXPECT_EQ(effective_settings(obj("{}"), memberships).at("tos_ack_decoupled_licenses"),
            obj(R"({"3":"2026-01-02T03:04:05Z","9":"2026-06-07T08:09:10Z"})"));
  const auto stored = obj(R"({"tos_ack_decoupled_licenses":{"9":"2026-12-01T00:00:00Z","77":"x"}})");
  EXPECT_EQ(effective_settings(stored, memberships).at("tos_ack_decoupled_licenses"),
            obj(R"({"9":"2026-12-01T00:00:00Z","77":"x","3":"2026-01-02T03:04:05Z"})"));
  EXPECT_FALSE(effective_settings(obj("{}")).contains("tos_ack_decoupled_licenses"));  // no organization: no default
}

TEST(UserSettings, TheTimezoneIsAnIanaName) {
  for (const char* zone : {"UTC", "Europe/Tallinn", "America/Argentina/Buenos_Aires", "Etc/GMT+2"}) {
    EXPECT_TRUE(is_iana_timezone(zone)) << zone;
    EXPECT_TRUE(validate_settings_patch(obj((std::string(R"({"timezone":")") + zone + R"("})").c_str()))) << zone;
  }
  for (const char* zone :
       {"", "Mars/Olympus", "Europe", "../../etc/passwd", "/etc/passwd", "Europe/Tallinn\n", "europe tallinn"}) {
    EXPECT_FALSE(is_iana_timezone(zone)) << zone;
  }
  EXPECT_FALSE(validate_settings_patch(obj(R"({"timezone":"Mars/Olympus"})")));
}

TEST(UserSettings, TheTimezoneIsTheStoredOneElseUtc) {
  EXPECT_EQ(timezone_setting(R"({"timezone":"Europe/Tallinn"})"), "Europe/Tallinn");
  EXPECT_EQ(timezone_setting("{}"), "UTC");
  EXPECT_EQ(timezone_setting(""), "UTC");
  EXPECT_EQ(timezone_setting("not json"), "UTC");
}

}  // namespace
}  // namespace focusd::domain
