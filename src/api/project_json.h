#pragma once
// A project as the Focus API shows it (the ProjectResponse schema).

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include "store/records.h"

namespace focusd::api::handlers {

// `rate` is the include_rates=true summary (null when no rate is in force);
// without it the member is left out. Built in `storage` (an answer's arena).
boost::json::object project_json(const ProjectRecord& p, const WorkspaceAccess& access,
                                 const boost::json::value* rate = nullptr, boost::json::storage_ptr storage = {});

}  // namespace focusd::api::handlers
