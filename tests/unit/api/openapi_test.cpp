// The OpenAPI document served at /api/openapi.json and the route table agree
// in both directions: no undocumented route, no documented route that 404s.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <set>

#include "api/routes.h"

namespace focusd::api {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

TEST(OpenApi, DocumentsExactlyTheRouteTable) {
  const auto doc = boost::json::parse(openapi_document()).as_object();
  EXPECT_TRUE(doc.at("openapi").as_string().starts_with("3."));
  std::set<std::string> documented, routed;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      documented.insert(upper(method) + " " + std::string(path));
      // Every {id} of the path is a declared path parameter.
      std::set<std::string> declared;
      if (const auto* params = op.as_object().if_contains("parameters")) {
        for (const auto& p : params->as_array()) {
          if (p.at("in") == "path") declared.emplace(p.at("name").as_string());
        }
      }
      for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
        const std::string name(path.substr(open + 1, path.find('}', open) - open - 1));
        EXPECT_TRUE(declared.count(name)) << method << " " << path << " does not declare " << name;
      }
    }
  }
  for (const auto& route : route_table()) {
    routed.insert(std::string(http::to_string(route.method)) + " " + std::string(route.pattern));
  }
  for (const auto& op : routed) EXPECT_TRUE(documented.count(op)) << "undocumented route: " << op;
  for (const auto& op : documented) EXPECT_TRUE(routed.count(op)) << "documented but not routed: " << op;
  EXPECT_EQ(documented.size(), routed.size());
}

}  // namespace
}  // namespace focusd::api
