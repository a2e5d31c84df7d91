#include "api/json_writer.h"

#include <algorithm>
#include <array>
#include <charconv>

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
  separate();
  boost::json::serializer writer;
  writer.reset(&v);
  serialize(writer);
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

}  // namespace focusd::api
