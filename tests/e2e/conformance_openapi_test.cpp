// GET /api/openapi.json: the document is served, is valid OpenAPI (checked by
// swagger-cli, pinned in tools/package-lock.json), and every operation in it
// is routed: without credentials each authenticated one answers 401 (the
// route was found), never 404.
#include <gtest/gtest.h>

#include <fstream>

#include "support.h"

namespace focusd::test {
namespace {

TEST(OpenApiDocument, IsServedValidAndEveryOperationIsRouted) {
  FocusdServer server;
  HttpClient client = server.client();
  auto res = client.get("/api/openapi.json");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(res.header("content-type").starts_with("application/json"));
  const auto doc = res.json().as_object();
  EXPECT_TRUE(doc.at("openapi").as_string().starts_with("3."));
  EXPECT_TRUE(doc.at("components").at("securitySchemes").as_object().contains("basicAuth"));
  EXPECT_TRUE(doc.at("components").at("securitySchemes").as_object().contains("bearerAuth"));

  TempDir dir;
  std::ofstream(dir.path() / "openapi.json") << res.body;
  auto validated = run_process({FOCUSD_SWAGGER_CLI, "validate", (dir.path() / "openapi.json").string()});
  EXPECT_EQ(validated.exit_code, 0) << validated.out << validated.err;

  std::size_t operations = 0;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    std::string target(path);
    for (std::size_t open; (open = target.find('{')) != std::string::npos;) {
      target.replace(open, target.find('}', open) - open + 1, "1");
    }
    for (const auto& [method, op] : item.as_object()) {
      ++operations;
      std::string verb(method);
      for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const auto* security = op.as_object().if_contains("security");
      const bool is_public = security && security->as_array().empty();
      HttpClient fresh = server.client();
      auto answer = fresh.request(verb, target);
      if (is_public) {
        EXPECT_NE(answer.status, 404) << verb << " " << target;
        EXPECT_NE(answer.status, 405) << verb << " " << target;
      } else {
        EXPECT_EQ(answer.status, 401) << verb << " " << target << " -> " << answer.body;
      }
    }
  }
  EXPECT_GE(operations, 60u);
  std::printf("OpenAPI document: %zu operations, all routed\n", operations);
}

}  // namespace
}  // namespace focusd::test
