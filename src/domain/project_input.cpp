#include "domain/project_input.h"

#include <algorithm>
#include <string_view>

#include "common/json_read.h"
#include "common/time.h"

namespace focusd::domain {

namespace {

constexpr std::size_t kMaxName = 255;
constexpr std::size_t kMaxDescription = 10000;
constexpr std::int64_t kMaxMinutes = 100LL * 365 * 24 * 60;  // a century
constexpr double kMaxFee = 1e15;

// ISO 4217 codes of currencies in circulation.
constexpr std::string_view kCurrencies =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF "
    "CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD "
    "HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL "
    "LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR "
    "PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND "
    "TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL";

constexpr std::string_view kFields[] = {"auto_compute_estimates",
                                        "billable",
                                        "client_id",
                                        "color",
                                        "completion_mode",
                                        "custom_fields",
                                        "description",
                                        "draft",
                                        "end_date",
                                        "estimated_mins",
                                        "fixed_fee",
                                        "is_template",
                                        "name",
                                        "parent_project_id",
                                        "pinned",
                                        "private",
                                        "rollover_mode",
                                        "rrule",
                                        "start_date",
                                        "tag_ids"};

// Fields of the Swagger's project payloads for what focusd does not have
// (automatic completion, drafts, templates, recurring projects and their
// rollover, custom fields): each takes the value every project here has, the
// one GET answers (or, for rrule and custom_fields, none), so that clients
// sending them with those values work; any other value is a 400 naming it.
Status check_unsupported(std::string_view key, const boost::json::value& v) {
  const auto must_be = [&](bool ok, const char* problem) {
    return ok ? Status(Ok{}) : invalid(std::string(key), problem);
  };
  if (key == "completion_mode") {
    return must_be(v.is_string() && v.get_string() == "manual",
                   "must be \"manual\": focusd completes no project by itself");
  }
  if (key == "rollover_mode") {
    return must_be(v.is_string() && v.get_string() == "expire", "must be \"expire\": focusd has no recurring projects");
  }
  if (key == "draft") return must_be(v.is_bool() && !v.get_bool(), "must be false: focusd has no draft projects");
  if (key == "is_template") return must_be(v.is_bool() && !v.get_bool(), "must be false: focusd has no templates");
  if (key == "rrule") {
    return must_be(v.is_null() || (v.is_string() && json_read::is_none(v)),
                   "must be null: focusd has no recurring projects");
  }
  return must_be(v.is_null() || (v.is_object() && json_read::is_none(v)),
                 "must be empty: focusd has no custom fields");  // custom_fields
}

using json_read::integer;
using json_read::text;

Result<FixedFee> read_fixed_fee(const boost::json::value& v) {
  if (!v.is_object()) return invalid("fixed_fee", "must be an object {amount, currency}");
  const auto& o = v.as_object();
  for (const auto& member : o) {
    if (member.key() != "amount" && member.key() != "currency") {
      return invalid("fixed_fee", "unknown member '" + std::string(member.key()) + "'");
    }
  }
  const auto* amount = o.if_contains("amount");
  const auto* currency = o.if_contains("currency");
  if (!amount || !amount->is_number()) return invalid("fixed_fee.amount", "must be a number");
  const double value = amount->to_number<double>();
  if (!(value >= 0) || value > kMaxFee) return invalid("fixed_fee.amount", "must be a number from 0 to 1e15");
  if (!currency || !currency->is_string() || !is_currency_code(currency->as_string())) {
    return invalid("fixed_fee.currency", "must be an ISO 4217 currency code such as EUR");
  }
  return FixedFee{value, std::string(currency->as_string())};
}

using json_read::nullable;

Result<std::string> read_color(const boost::json::value& v) {
  auto color = text(v, "color", 7);
  if (!color || !is_hex_color(*color)) return invalid("color", "must be a color #rrggbb");
  return color;
}

// Applies one member of the body to the fields.
Status apply(std::string_view key, const boost::json::value& v, ProjectInput& in) {
  ProjectFields& f = in.fields;
  if (key == "name") {
    auto name = json_read::name(v, "name", kMaxName);
    if (!name) return name.error();
    f.name = std::move(*name);
    return Ok{};
  }
  if (key == "client_id") return nullable(v, f.client_id, [](auto& x) { return json_read::id(x, "client_id"); });
  if (key == "parent_project_id") {
    return nullable(v, f.parent_project_id, [](auto& x) { return json_read::id(x, "parent_project_id"); });
  }
  if (key == "color") return nullable(v, f.color, read_color);
  if (key == "description") {
    return nullable(v, f.description, [](auto& x) { return text(x, "description", kMaxDescription); });
  }
  if (key == "start_date") return nullable(v, f.start_date, [](auto& x) { return json_read::date(x, "start_date"); });
  if (key == "end_date") return nullable(v, f.end_date, [](auto& x) { return json_read::date(x, "end_date"); });
  if (key == "estimated_mins") {
    return nullable(v, f.estimated_mins, [](auto& x) { return integer(x, "estimated_mins", 0, kMaxMinutes); });
  }
  if (key == "fixed_fee") return nullable(v, f.fixed_fee, read_fixed_fee);
  if (key == "completion_mode" || key == "custom_fields" || key == "draft" || key == "is_template" ||
      key == "rollover_mode" || key == "rrule") {
    return check_unsupported(key, v);
  }
  if (key == "tag_ids") {
    std::optional<std::vector<std::int64_t>> ids;
    if (auto status = nullable(v, ids, [](auto& x) { return json_read::ids(x, "tag_ids"); }); !status) return status;
    f.tag_ids = ids.value_or(std::vector<std::int64_t>{});
    return Ok{};
  }
  // The flags: private, billable, auto_compute_estimates, pinned.
  auto flag = json_read::boolean(v, key);
  if (!flag) return flag.error();
  if (key == "private") f.is_private = *flag;
  if (key == "billable") f.billable = *flag;
  if (key == "auto_compute_estimates") f.auto_compute_estimates = *flag;
  if (key == "pinned") in.pinned = *flag;
  return Ok{};
}

}  // namespace

bool is_currency_code(std::string_view code) {
  if (code.size() != 3) return false;
  for (std::size_t at = kCurrencies.find(code); at != std::string_view::npos; at = kCurrencies.find(code, at + 1)) {
    if (at % 4 == 0) return true;
  }
  return false;
}

bool is_hex_color(std::string_view color) {
  if (color.size() != 7 || color[0] != '#') return false;
  return color.substr(1).find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

Result<ProjectInput> read_project_input(const boost::json::object& body, WriteMode mode, const ProjectFields& current) {
  ProjectInput in;
  if (mode == WriteMode::Patch) in.fields = current;
  for (const auto& member : body) {
    const std::string_view key = member.key();
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields)) {
      return invalid(std::string(key), "is not a project field");
    }
    if (auto status = apply(key, member.value(), in); !status) return status.error();
  }
  if (mode != WriteMode::Patch && !body.contains("name")) return invalid("name", "is required");
  // PUT resets what it omits, the caller's pin too (a flag: false).
  if (mode == WriteMode::Replace && !in.pinned) in.pinned = false;
  const auto& f = in.fields;
  if (f.start_date && f.end_date && *f.end_date < *f.start_date) {
    return invalid("end_date", "must not be before start_date");
  }
  return in;
}

}  // namespace focusd::domain
