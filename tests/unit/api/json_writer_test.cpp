// JsonWriter: the text it writes is what boost::json::serialize writes for the
// same values, escaping included, but for fractional numbers (19.99, where
// Boost writes 1.999E1).
#include "api/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

namespace focusd::api {
namespace {

std::string written(std::string_view s) {
  std::string out;
  JsonWriter(out).string(s);
  return out;
}

TEST(JsonWriter, EveryByteIsWrittenAsBoostJsonWritesIt) {
  for (int c = 0; c < 256; ++c) {
    const std::string s = std::string("a") + static_cast<char>(c) + "b";
    EXPECT_EQ(written(s), boost::json::serialize(boost::json::string_view(s))) << "byte " << c;
  }
  for (std::string_view s : {"", "plain", "quote \" and \\ backslash", "tab\tnew\nline", "\x01\x1f", "ünï ✓ 😀"}) {
    EXPECT_EQ(written(s), boost::json::serialize(boost::json::string_view(s))) << s;
  }
  const std::string long_escaped(3000, '"');  // longer than the writer's buffer
  EXPECT_EQ(written(long_escaped), boost::json::serialize(boost::json::string_view(long_escaped)));
}

TEST(JsonWriter, ObjectsArraysAndScalarsMatchTheirDom) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("id").number(42);
  w.key("min").number(std::numeric_limits<std::int64_t>::min());
  w.key("name").string("Ω \"x\"");
  w.key("none").null();
  w.key("yes").boolean(true);
  w.key("no").boolean(false);
  w.key("maybe").number_or_null(std::nullopt);
  w.key("text").string_or_null(std::optional<std::string>("t"));
  w.key("empty").begin_array().end_array();
  w.key("list").begin_array();
  w.number(1).string("two").begin_object().key("three").number(3).end_object().null();
  w.end_array();
  w.key("nested").begin_object().key("inner").begin_object().end_object().end_object();
  w.key("value").value(boost::json::value{{"amount", 15}, {"tags", boost::json::array{1, "x"}}});
  w.end_object();

  boost::json::object expected;
  expected["id"] = 42;
  expected["min"] = std::numeric_limits<std::int64_t>::min();
  expected["name"] = "Ω \"x\"";
  expected["none"] = nullptr;
  expected["yes"] = true;
  expected["no"] = false;
  expected["maybe"] = nullptr;
  expected["text"] = "t";
  expected["empty"] = boost::json::array{};
  expected["list"] = boost::json::array{1, "two", boost::json::object{{"three", 3}}, nullptr};
  expected["nested"] = boost::json::object{{"inner", boost::json::object{}}};
  expected["value"] = boost::json::value{{"amount", 15}, {"tags", boost::json::array{1, "x"}}};
  EXPECT_EQ(out, boost::json::serialize(expected));
}

// As a person (and every other JSON writer) writes them: 19.99, not 1.999E1.
TEST(JsonWriter, AFractionalNumberIsWrittenInItsShortestDecimalForm) {
  EXPECT_EQ(to_json(19.99), "19.99");
  EXPECT_EQ(to_json(0.1), "0.1");
  EXPECT_EQ(to_json(-2.5), "-2.5");
  EXPECT_EQ(to_json(1e16), "1e+16");
  EXPECT_EQ(to_json(std::numeric_limits<double>::infinity()), "null");  // JSON has no infinity
  for (double d : {19.99, 0.1, 1.0 / 3, 123456.789, 1e-7, -1e15, 2.5e300}) {
    EXPECT_EQ(boost::json::parse(to_json(d)).to_number<double>(), d) << to_json(d);
  }
  EXPECT_EQ(to_json(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  const boost::json::value v{{"rate", 12.5}, {"a\"b", boost::json::array{0.25, nullptr, true}}};
  EXPECT_EQ(to_json(v), R"({"rate":12.5,"a\"b":[0.25,null,true]})");
  EXPECT_EQ(boost::json::parse(to_json(v)), v);
}

TEST(JsonWriter, AppendsToWhatIsThere) {
  std::string out = "[";
  JsonWriter w(out);
  w.number(1).number(2);
  out += ']';
  EXPECT_EQ(out, "[1,2]");
}

}  // namespace
}  // namespace focusd::api
