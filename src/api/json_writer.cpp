#include "api/json_writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace focusd::api {

namespace {

// What boost::json's serializer escapes: the quote, the backslash and the
// control characters. Any other byte is written as it is.
bool needs_escaping(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
}

}  // namespace

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  out_ += '"';
  out_ += name;
  out_ += "\":";
  comma_ = false;  // the member's value follows without one
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::boolean(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::number(std::int64_t n) {
  separate();
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr;
  out_.append(digits.data(), end);
  return *this;
}

JsonWriter& JsonWriter::decimal(double d) {
  if (!std::isfinite(d)) return null();
  separate();
  std::array<char, 32> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), d).ptr;
  out_.append(digits.data(), end);
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
  separate();
  if (!needs_escaping(s)) {
    out_ += '"';
    out_ += s;
    out_ += '"';
    return *this;
  }
  boost::json::serializer escaper;
  escaper.reset(s);
  serialize(escaper);
  return *this;
}

JsonWriter& JsonWriter::value(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return null();
    case boost::json::kind::bool_: return boolean(v.get_bool());
    case boost::json::kind::int64: return number(v.get_int64());
    case boost::json::kind::uint64: {
      separate();
      std::array<char, 24> digits{};
      const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), v.get_uint64()).ptr;
      out_.append(digits.data(), end);
      return *this;
    }
    case boost::json::kind::double_: return decimal(v.get_double());
    case boost::json::kind::string: return string(v.get_string());
    case boost::json::kind::array:
      begin_array();
      for (const auto& element : v.get_array()) value(element);
      return end_array();
    case boost::json::kind::object:
      begin_object();
      for (const auto& member : v.get_object()) escaped_key(member.key()).value(member.value());
      return end_object();
  }
  return *this;
}

JsonWriter& JsonWriter::escaped_key(std::string_view name) {
  string(name);
  out_ += ':';
  comma_ = false;  // the member's value follows without one
  return *this;
}

JsonWriter& JsonWriter::open(char bracket) {
  separate();
  out_ += bracket;
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_ += bracket;
  comma_ = true;
  return *this;
}

void JsonWriter::separate() {
  if (comma_) out_ += ',';
  comma_ = true;
}

void JsonWriter::serialize(boost::json::serializer& s) {
  std::array<char, 512> buffer{};
  while (!s.done()) out_ += s.read(buffer.data(), buffer.size());
}

std::string to_json(const boost::json::value& v) {
  std::string out;
  JsonWriter(out).value(v);
  return out;
}

}  // namespace focusd::api
