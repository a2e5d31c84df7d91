#pragma once

#include <string_view>
#include <vector>

#include "api/router.h"

namespace focusd::api {

// Every route focusd serves (routes.cpp).
std::vector<Route> route_table();

// The OpenAPI document of those routes (src/api/openapi.json, compiled in).
std::string_view openapi_document();

}  // namespace focusd::api
