#pragma once
// Handlers, one function per operation. Each turns a Call into a Response and
// returns domain/store Errors as they are; api/errors.h renders them.

#include <boost/asio/awaitable.hpp>

#include "api/api.h"

namespace focusd::api::handlers {

using boost::asio::awaitable;

// handlers_system.cpp
awaitable<Result<Response>> version(Call& call);
awaitable<Result<Response>> healthz(Call& call);
awaitable<Result<Response>> readyz(Call& call);

// handlers_users.cpp
awaitable<Result<Response>> get_user_settings(Call& call);
awaitable<Result<Response>> patch_user_settings(Call& call);
awaitable<Result<Response>> list_workspaces(Call& call);

}  // namespace focusd::api::handlers
