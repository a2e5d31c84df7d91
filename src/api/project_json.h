#pragma once
// A project as the Focus API shows it (the ProjectResponse schema).

#include <boost/json/value.hpp>

#include "api/json_writer.h"
#include "store/records.h"

namespace focusd::api::handlers {

// `rate` is the include_rates=true summary (null when no rate is in force);
// without it the member is left out.
void write_project(JsonWriter& w, const ProjectRecord& p, const WorkspaceAccess& access,
                   const boost::json::value* rate = nullptr);

}  // namespace focusd::api::handlers
