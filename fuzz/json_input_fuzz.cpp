// The JSON-to-typed-request mapping of every body the API reads: projects
// (create, replace, patch), tasks, user settings, and the name reader.
#include <boost/json/parse.hpp>

#include "common/json_read.h"
#include "domain/project_input.h"
#include "domain/task_input.h"
#include "domain/user_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace focusd;
  boost::system::error_code ec;
  const auto value = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !value.is_object()) return 0;
  const auto& body = value.as_object();
  for (auto mode : {domain::WriteMode::Create, domain::WriteMode::Replace, domain::WriteMode::Patch}) {
    (void)domain::read_project_input(body, mode);
    (void)domain::read_task_input(body, mode);
  }
  (void)domain::validate_settings_patch(body);
  if (const auto* name = body.if_contains("name")) (void)json_read::name(*name, "name");
  if (const auto* ids = body.if_contains("tag_ids")) (void)json_read::ids(*ids, "tag_ids");
  return 0;
}
