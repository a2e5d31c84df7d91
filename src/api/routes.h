#pragma once

#include <vector>

#include "api/router.h"

namespace focusd::api {

// Every route focusd serves (routes.cpp).
std::vector<Route> route_table();

}  // namespace focusd::api
