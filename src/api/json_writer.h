#pragma once
// JSON text written straight into a string, member by member, for the answers
// that are built most (a project, a page of projects or of time entries).
// Building them as boost::json values first and serializing those cost a
// tenth of such a request (allocation, member lookups, then the walk), and
// Boost.JSON 1.81 has no streaming writer. Strings that need escaping go
// through boost::json::serializer, so the text is what boost::json::serialize
// would write for the same values, but for a fractional number: its shortest
// decimal form (19.99), where Boost writes 1.999E1.
//
//   JsonWriter w(out);
//   w.begin_object();
//   w.key("id").number(p.id);
//   w.key("name").string(p.name);
//   w.end_object();

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/timestamp.h"

namespace focusd::api {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  // A member's name: a literal of the schema, written as it is (no escaping).
  JsonWriter& key(std::string_view name);

  JsonWriter& null();
  JsonWriter& boolean(bool b);
  JsonWriter& number(std::int64_t n);
  JsonWriter& decimal(double d);  // shortest round-trip form (19.99, 1e+16); null when not finite
  JsonWriter& string(std::string_view s);
  JsonWriter& value(const boost::json::value& v);  // any value

  JsonWriter& number_or_null(const std::optional<std::int64_t>& n) { return n ? number(*n) : null(); }
  JsonWriter& string_or_null(const std::optional<std::string>& s) { return s ? string(*s) : null(); }
  JsonWriter& string_or_null(const std::optional<Timestamp>& s) { return s ? string(*s) : null(); }

 private:
  JsonWriter& escaped_key(std::string_view name);  // a member's name from a value: escaped as needed
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void separate();                             // the comma before every element but a container's first
  void serialize(boost::json::serializer& s);  // appends what s writes

  std::string& out_;
  bool comma_ = false;  // the next element needs a comma before it
};

// `v` as JSON text, as JsonWriter::value() writes it.
std::string to_json(const boost::json::value& v);

}  // namespace focusd::api
