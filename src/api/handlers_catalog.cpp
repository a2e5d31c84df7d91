// Clients and tags of a workspace: one set of handlers, the catalog a parameter.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "domain/catalog_input.h"
#include "domain/roles.h"

namespace focusd::api::handlers {

namespace {

struct Kind {
  Catalog catalog;
  PathId id_param;  // path parameter
  bool with_total;  // list envelope has `total`
  http::status put_status;
  std::vector<std::string_view> order_fields;
};

const Kind& kind(Catalog catalog) {
  static const Kind kClients{Catalog::Clients,
                             PathId::Client,
                             false,
                             http::status::no_content,
                             {"name", "active", "created_at", "updated_at"}};
  static const Kind kTags{Catalog::Tags, PathId::Tag, true, http::status::ok, {"name"}};
  return catalog == Catalog::Clients ? kClients : kTags;
}

boost::json::object item_json(const Kind& k, const CatalogItem& item) {
  boost::json::object o{{"id", item.id}, {"workspace_id", item.workspace_id}, {"name", item.name}};
  o[domain::extra_field(k.catalog)] = json_or_null(item.extra);
  if (k.catalog == Catalog::Clients) {
    o["active"] = !item.deleted_at.has_value();
    o["toggl_user_id"] = item.creator_id;
  }
  o["created_at"] = item.created_at.view();
  o["updated_at"] = item.updated_at.view();
  o["deleted_at"] = json_or_null(item.deleted_at);
  return o;
}

awaitable<Result<Reply>> list(Call& call, Catalog catalog) {
  const Kind& k = kind(catalog);
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(query, query_of(call));
  CatalogQuery q;
  q.catalog = catalog;
  q.workspace_id = access.workspace_id;
  FOCUSD_CO_TRY(page, query.page());
  q.page = page;
  FOCUSD_CO_TRY(order, query.order_by(k.order_fields));
  q.order = order;
  FOCUSD_CO_TRY(name, query.text("name"));
  q.name = name;
  if (catalog == Catalog::Tags) {
    FOCUSD_CO_TRY(ids, query.ids("tag_id"));
    q.ids = ids;
  }
  FOCUSD_CO_TRY(found, co_await in_store(call, [&](Store& s) { return s.list_catalog_items(q); }));
  boost::json::array data;
  for (const auto& item : found.items) data.push_back(item_json(k, item));
  boost::json::object body{{"data", std::move(data)}, {"page", q.page.page}, {"per_page", q.page.per_page}};
  if (k.with_total) body["total"] = found.total;
  co_return json_response(http::status::ok, body);
}

awaitable<Result<Reply>> create(Call& call, Catalog catalog) {
  const Kind& k = kind(catalog);
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_catalog_input(body, catalog));
  auto created = co_await in_store_write(call, [&](Store& s) {
    return s.create_catalog_item(catalog, access.workspace_id, access.user_id, in.name, in.extra);
  });
  if (!created) co_return created.error();
  co_return json_response(http::status::created, item_json(k, *created));
}

awaitable<Result<Reply>> get(Call& call, Catalog catalog) {
  const Kind& k = kind(catalog);
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  const std::int64_t id = call.params.get(k.id_param);
  auto item =
      co_await in_store(call, [&](Store& s) { return s.find_catalog_item(catalog, access.workspace_id, id, false); });
  if (!item) co_return item.error();
  co_return json_response(http::status::ok, item_json(k, *item));
}

awaitable<Result<Reply>> update(Call& call, Catalog catalog) {
  const Kind& k = kind(catalog);
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  const std::int64_t id = call.params.get(k.id_param);
  // Missing (404), then not allowed (403), then a bad body (400).
  auto exists =
      co_await in_store(call, [&](Store& s) { return s.find_catalog_item(catalog, access.workspace_id, id, false); });
  if (!exists) co_return exists.error();
  FOCUSD_CO_CHECK(domain::require_organization_admin(access.role, "change this"));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_catalog_input(body, catalog));
  auto updated = co_await in_store(
      call, [&](Store& s) { return s.update_catalog_item(catalog, access.workspace_id, id, in.name, in.extra); });
  if (!updated) co_return updated.error();
  if (k.put_status == http::status::no_content) co_return no_content();
  co_return json_response(k.put_status, item_json(k, *updated));
}

awaitable<Result<Reply>> set_deleted(Call& call, Catalog catalog, bool deleted) {
  const Kind& k = kind(catalog);
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  const std::int64_t id = call.params.get(k.id_param);
  auto exists = co_await in_store(
      call, [&](Store& s) { return s.find_catalog_item(catalog, access.workspace_id, id, !deleted); });
  if (!exists) co_return exists.error();
  FOCUSD_CO_CHECK(domain::require_organization_admin(access.role, "change this"));
  auto status = co_await in_store(
      call, [&](Store& s) { return s.set_catalog_item_deleted(catalog, access.workspace_id, id, deleted); });
  if (!status) co_return status.error();
  co_return no_content();
}

}  // namespace

awaitable<Result<Reply>> list_clients(Call& call) {
  return list(call, Catalog::Clients);
}
awaitable<Result<Reply>> create_client(Call& call) {
  return create(call, Catalog::Clients);
}
awaitable<Result<Reply>> get_client(Call& call) {
  return get(call, Catalog::Clients);
}
awaitable<Result<Reply>> update_client(Call& call) {
  return update(call, Catalog::Clients);
}
awaitable<Result<Reply>> delete_client(Call& call) {
  return set_deleted(call, Catalog::Clients, true);
}
awaitable<Result<Reply>> restore_client(Call& call) {
  return set_deleted(call, Catalog::Clients, false);
}
awaitable<Result<Reply>> list_tags(Call& call) {
  return list(call, Catalog::Tags);
}
awaitable<Result<Reply>> create_tag(Call& call) {
  return create(call, Catalog::Tags);
}
awaitable<Result<Reply>> get_tag(Call& call) {
  return get(call, Catalog::Tags);
}
awaitable<Result<Reply>> update_tag(Call& call) {
  return update(call, Catalog::Tags);
}
awaitable<Result<Reply>> delete_tag(Call& call) {
  return set_deleted(call, Catalog::Tags, true);
}
awaitable<Result<Reply>> restore_tag(Call& call) {
  return set_deleted(call, Catalog::Tags, false);
}

}  // namespace focusd::api::handlers
