// The JSON-to-typed-request mapping of every body the API reads: projects
// and tasks (create, replace, patch), members and groups, clients and tags,
// rates, attachment updates, the timer's start, stop and
// start-from-description, time-entry writes (create, bulk item, replace,
// patch; stopped and running), user settings, and the name reader.
#include <boost/json/parse.hpp>

#include "common/json_read.h"
#include "domain/attachment_input.h"
#include "domain/catalog_input.h"
#include "domain/member_input.h"
#include "domain/project_input.h"
#include "domain/rates.h"
#include "domain/task_input.h"
#include "domain/time_entries.h"
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
  (void)domain::read_member_addition(body);
  (void)domain::read_member_role_change(body);
  (void)domain::read_member_removal(body);
  (void)domain::read_group_input(body);
  (void)domain::read_catalog_input(body, Catalog::Clients);
  (void)domain::read_catalog_input(body, Catalog::Tags);
  (void)domain::read_rate_input(body);
  (void)domain::read_attachment_patch(body);
  (void)domain::read_start_tracking(body, "2026-03-01T12:00:00Z");
  (void)domain::read_stop_tracking(body, "2026-03-01T12:00:00Z");
  (void)domain::read_start_from_description(body, "2026-03-01T12:00:00Z");
  TimeEntryFields stopped;
  stopped.start = "9999-12-31T23:00:00Z";  // near the end of time: every duration's end is checked
  stopped.stop = "9999-12-31T23:59:59Z";
  TimeEntryFields running = stopped;
  running.stop.reset();
  for (auto kind : {domain::EntryBody::Create, domain::EntryBody::BulkCreate, domain::EntryBody::Replace,
                    domain::EntryBody::Patch}) {
    (void)domain::read_time_entry_input(body, kind, stopped, "2026-03-01T12:00:00Z");
    (void)domain::read_time_entry_input(body, kind, running, "2026-03-01T12:00:00Z");
  }
  (void)domain::validate_settings_patch(body);
  if (const auto* name = body.if_contains("name")) (void)json_read::name(*name, "name");
  if (const auto* ids = body.if_contains("tag_ids")) (void)json_read::ids(*ids, "tag_ids");
  return 0;
}
