#include "domain/user_settings.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <filesystem>
#include <string_view>
#include <vector>

namespace focusd::domain {

namespace {

enum class Kind { Bool, String, Integer, Minutes, Object };  // Minutes: an integer of at least 1

struct Field {
  std::string_view name;
  Kind kind;
  std::vector<std::string_view> choices;  // allowed values (integers as text); empty = any
  boost::json::value fallback = nullptr;  // the default; null = absent
};

using enum Kind;

// models.UserSettings from the Focus Swagger, member for member.
const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      {"attachments_display_mode", String, {"list", "grid"}, "list"},
      {"autocomplete_task_with_time_block", Bool, {}},
      {"autolog_time", Bool, {}},
      {"calendar_future_defaults_to_plan", Bool, {}},
      {"calendar_project_suggestion_fallback", Bool, {}},
      {"calendar_range_type", String, {}},
      {"calendar_show_calendar_events", Bool, {}},
      {"calendar_show_completed_tasks", Bool, {}},
      {"calendar_show_tasks_list", Bool, {}},
      {"calendar_split_view_columns", String, {}},
      {"calendar_task_creation_behavior", String, {"always_create", "do_nothing", "match_existing"}},
      {"current_workspace_id", Integer, {}},
      {"date_format", String, {"US", "EU", "ISO"}, "ISO"},
      {"default_page", String, {"last-opened", "calendar", "inbox", "board", "timeline", "reports"}, "last-opened"},
      {"duration_format", String, {"classic", "improved", "decimal"}, "classic"},
      {"first_interaction", Bool, {}},
      {"first_interaction_date", String, {}},
      {"focus_mode_count_up", Bool, {}},
      {"goal_reminder_time", String, {}},
      {"goal_reminders_enabled", Bool, {}, true},
      {"has_reached_task_threshold", Bool, {}},
      {"import_data_banner_dismissed", Bool, {}},
      {"language_code", String, {}, "en"},
      {"new_users_trial_dismissed", Bool, {}},
      {"onboarding_calendar_step_at", String, {}},
      {"onboarding_checklist_dismissed", Bool, {}},
      {"onboarding_completed_at", String, {}},
      {"onboarding_flow_dismissed", Bool, {}},
      {"onboarding_multi_day_task_created", Bool, {}},
      {"onboarding_started_at", String, {}},
      {"onboarding_task_dragged", Bool, {}},
      {"onboarding_tasks_step_at", String, {}},
      {"onboarding_variant_selected", String, {}},
      {"plan_tour_dismissed", Bool, {}},
      {"platform_nudges", Object, {}},
      {"pomodoro_mode_auto_start_break", Bool, {}},
      {"pomodoro_mode_break_duration_mins", Minutes, {}},
      {"pomodoro_mode_session_duration_mins", Minutes, {}},
      {"pomodoro_mode_sound_enabled", Bool, {}},
      {"send_daily_brief", Bool, {}},
      {"send_timer_notifications", Bool, {}},
      {"shortcuts_enabled", Bool, {}, true},
      {"show_goals_panel", Bool, {}},
      {"show_google_calendar_events", Bool, {}},
      {"start_week_on", Integer, {"0", "1"}, 1},
      {"switch_to_focus_dismissed", Bool, {}},
      {"sync_external_calendar", String, {"never", "always", "ask"}},
      {"theme", String, {"auto", "light", "dark"}, "auto"},
      {"time_block_color", String, {}},
      {"time_format", String, {"12h", "24h"}, "24h"},
      {"time_tracking_mode", String, {"focus", "pomodoro"}},
      {"time_tracking_mode_duration_mins", Minutes, {}},
      {"time_tracking_mode_enabled", Bool, {}},
      {"time_tracking_mode_fullscreen", Bool, {}},
      {"timezone", String, {}, "UTC"},
      {"tooltip_onboarding_dismissed", Bool, {}},
      {"tos_ack_decoupled_licenses", Object, {}},
      {"trial_ended_modal_seen", Object, {}},
      {"welcome_modal_dismissed", Bool, {}},
      {"whats_new_may_2026_dismissed", Bool, {}},
      {"whats_new_tasks_tour_dismissed", Bool, {}},
  };
  return kFields;
}

constexpr std::size_t kMaxStringBytes = 256;
constexpr const char* kZoneinfo = "/usr/share/zoneinfo";  // Debian's tzdata

const Field* find_field(std::string_view name) {
  for (const auto& f : fields()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool allowed(const Field& field, std::string_view value) {
  if (field.choices.empty()) return true;
  for (auto choice : field.choices) {
    if (choice == value) return true;
  }
  return false;
}

std::string choices_text(const Field& field) {
  std::string text;
  for (auto choice : field.choices) text += (text.empty() ? "" : ", ") + std::string(choice);
  return "must be one of: " + text;
}

Status check(const Field& field, const boost::json::value& value) {
  const std::string name(field.name);
  switch (field.kind) {
    case Bool:
      if (!value.is_bool()) return invalid(name, "must be a boolean");
      return Ok{};
    case Object:  // the Swagger's maps of strings (an id to a timestamp)
      if (!value.is_object()) return invalid(name, "must be an object");
      for (const auto& member : value.as_object()) {
        if (!member.value().is_string()) return invalid(name, "must map each key to a string");
      }
      if (boost::json::serialize(value).size() > 4096) return invalid(name, "is too large");
      return Ok{};
    case String:
      if (!value.is_string()) return invalid(name, "must be a string");
      if (value.as_string().size() > kMaxStringBytes) return invalid(name, "is too long");
      if (!allowed(field, value.as_string())) return invalid(name, choices_text(field));
      return Ok{};
    case Minutes:
      if (!value.is_int64() || value.as_int64() < 1) return invalid(name, "must be an integer of at least 1");
      return Ok{};
    case Integer: {
      if (!value.is_int64() && !value.is_uint64()) return invalid(name, "must be an integer");
      if (value.is_uint64() || value.as_int64() < 0) return invalid(name, "is out of range");
      if (!allowed(field, std::to_string(value.as_int64()))) return invalid(name, choices_text(field));
      return Ok{};
    }
  }
  return Ok{};
}

}  // namespace

Status validate_settings_patch(const boost::json::object& patch) {
  for (const auto& member : patch) {
    const Field* field = find_field(member.key());
    if (!field) return invalid(std::string(member.key()), "is not a known setting");
    if (member.value().is_null()) continue;
    if (auto status = check(*field, member.value()); !status) return status;
    if (member.key() == "timezone" && !is_iana_timezone(member.value().as_string())) {
      return invalid("timezone", "must be an IANA time zone name, e.g. Europe/Tallinn");
    }
  }
  return Ok{};
}

bool is_iana_timezone(std::string_view name) {
  if (name == "UTC") return true;
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
  });
  if (!plain) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path(kZoneinfo) / std::string(name), ec);
}

boost::json::object apply_settings_patch(boost::json::object stored, const boost::json::object& patch) {
  for (const auto& member : patch) {
    if (member.value().is_null()) {
      stored.erase(member.key());
    } else {
      stored[member.key()] = member.value();
    }
  }
  return stored;
}

boost::json::object effective_settings(const boost::json::object& stored, const std::vector<Membership>& memberships) {
  boost::json::object result;
  for (const auto& field : fields()) {
    if (auto* value = stored.if_contains(field.name)) {
      result[field.name] = *value;
    } else if (!field.fallback.is_null()) {
      result[field.name] = field.fallback;
    }
  }
  if (!memberships.empty()) {
    boost::json::object acknowledged;
    if (const auto* kept = stored.if_contains("tos_ack_decoupled_licenses"); kept && kept->is_object()) {
      acknowledged = kept->as_object();
    }
    for (const auto& m : memberships) {
      const std::string key = std::to_string(m.organization_id);
      if (!acknowledged.contains(key)) acknowledged[key] = m.joined_at;
    }
    result["tos_ack_decoupled_licenses"] = std::move(acknowledged);
  }
  return result;
}

std::string timezone_setting(std::string_view stored) {
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(stored, ec);
  const auto settings = effective_settings(!ec && parsed.is_object() ? parsed.as_object() : boost::json::object{});
  const auto* zone = settings.if_contains("timezone");
  return zone && zone->is_string() ? std::string(zone->as_string()) : std::string("UTC");
}

}  // namespace focusd::domain
