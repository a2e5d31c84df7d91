// The least work of a GET of a project on PostgreSQL over HTTP, for bench/run
// --database: an HTTP server (Boost.Beast, one event loop per thread, each
// with its own listening socket on one port) that answers every GET with the
// project whose id ends the path, read by the statement focusd reads it with
// (the access check and the project in one, PostgresStore::find_project_with_access_sql())
// over focusd's own pipelines (store/postgres/pipeline.h), and written as a
// JSON object of its columns. No routing, authentication (user 1 in
// workspace 1 of organization 1), access rules or error handling beyond a 404.
//
//   pg-get URL THREADS PIPELINES [--primary-key]
//       prints the port it listens on, then serves until killed. With
//       --primary-key, the statement reads only the project's own row by its
//       primary key (the other columns constants): the floor of any statement
//       for this GET, whatever it reads besides.
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/pipeline.h"
#include "store/postgres/postgres_store.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
using focusd::postgres::Params;
using focusd::postgres::Pipelines;
using focusd::postgres::Rows;

// The row as a JSON object: each column by its name, as text or null.
std::string row_json(const Rows& rows, const std::vector<std::string>& names) {
  boost::json::object object;
  for (int column = 0; column < static_cast<int>(names.size()); ++column) {
    if (rows.is_null(0, column)) {
      object[names[column]] = nullptr;
    } else {
      object[names[column]] = rows.text(0, column);
    }
  }
  return boost::json::serialize(object);
}

// The row of find_project_with_access_sql() (its parameters, its columns)
// from the project's row alone.
const std::string kPrimaryKeyOnly =
    "SELECT p.id, p.workspace_id, p.name, p.client_id, NULL::text, p.color, p.description, p.start_date, p.end_date,"
    " p.estimated_mins, p.fixed_fee_amount, p.fixed_fee_currency, p.parent_project_id, p.private, p.billable,"
    " p.auto_compute_estimates, p.active, p.archived_at, p.deleted_at, p.creator_id, p.created_at, p.updated_at,"
    " false, 0, 0::bigint, 0::bigint, '[]', $3::bigint, 'owner' FROM projects p"
    " WHERE p.id = $4 AND p.workspace_id = $2 AND $1::bigint IS NOT NULL AND ($5::boolean OR p.deleted_at IS NULL)";

awaitable<void> serve(tcp::socket socket, Pipelines& pipelines, const std::vector<std::string>& names,
                      const std::string& statement) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::empty_body> request;
    boost::system::error_code error;
    co_await http::async_read(stream, buffer, request, asio::redirect_error(asio::use_awaitable, error));
    if (error) co_return;
    const std::string_view target = request.target();
    const std::int64_t id = std::atoll(std::string(target.substr(target.rfind('/') + 1)).c_str());
    const Params params(std::int64_t{1}, std::int64_t{1}, std::int64_t{1}, id, false);
    http::response<http::string_body> response;
    try {
      const Rows rows = co_await pipelines.exec(statement, params);
      const bool found = !rows.empty() && !rows.is_null(0, 0);
      response.result(found ? http::status::ok : http::status::not_found);
      if (found) response.body() = row_json(rows, names);
    } catch (const std::exception& e) {
      response.result(http::status::service_unavailable);
    }
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    response.set(http::field::content_type, "application/json");
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, error));
    if (error || !request.keep_alive()) co_return;
  }
}

awaitable<void> accept(tcp::acceptor& acceptor, Pipelines& pipelines, const std::vector<std::string>& names,
                       const std::string& statement) {
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), pipelines, names, statement), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool primary_key = argc == 5 && std::string(argv[4]) == "--primary-key";
  if (argc != 4 && !primary_key) {
    std::fprintf(stderr, "usage: pg-get URL THREADS PIPELINES [--primary-key]\n");
    return 2;
  }
  const std::string statement = primary_key ? kPrimaryKeyOnly : focusd::PostgresStore::find_project_with_access_sql();
  const int threads = std::max(1, std::atoi(argv[2]));
  Pipelines pipelines(argv[1], static_cast<std::size_t>(std::max(1, std::atoi(argv[3]))), std::chrono::seconds(5));
  // The columns' names, as read_project() reads them and the access after.
  std::vector<std::string> names = {"id",
                                    "workspace_id",
                                    "name",
                                    "client_id",
                                    "client_name",
                                    "color",
                                    "description",
                                    "start_date",
                                    "end_date",
                                    "estimated_mins",
                                    "fixed_fee_amount",
                                    "fixed_fee_currency",
                                    "parent_project_id",
                                    "private",
                                    "billable",
                                    "auto_compute_estimates",
                                    "active",
                                    "archived_at",
                                    "deleted_at",
                                    "creator_id",
                                    "created_at",
                                    "updated_at",
                                    "pinned",
                                    "rank",
                                    "task_estimated_mins",
                                    "tracked_seconds",
                                    "tags",
                                    "organization_id",
                                    "role"};
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  unsigned short port = 0;
  for (int i = 0; i < threads; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    auto acceptor = std::make_unique<tcp::acceptor>(*contexts.back());
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    acceptor->open(endpoint.protocol());
    acceptor->set_option(asio::socket_base::reuse_address(true));
    const int yes = 1;
    ::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes);
    acceptor->bind(endpoint);
    acceptor->listen();
    port = acceptor->local_endpoint().port();
    asio::co_spawn(*contexts.back(), accept(*acceptor, pipelines, names, statement), asio::detached);
    acceptors.push_back(std::move(acceptor));
  }
  std::printf("%u\n", port);
  std::fflush(stdout);
  std::vector<std::thread> runners;
  for (int i = 1; i < threads; ++i) runners.emplace_back([&, i] { contexts[i]->run(); });
  contexts[0]->run();
  for (auto& runner : runners) runner.join();
}
