// Clients and tags: one implementation, the catalog a parameter (as in
// sqlite/sqlite_catalog.cpp, whose rules these statements follow).
#include "common/time.h"
#include "store/catalog_table.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/sql_common.h"
#include "store/sql_order.h"

namespace focusd {

using postgres::Connection;
using postgres::id_array;
using postgres::Params;
using postgres::Rows;

namespace {

CatalogItem read_item(const Rows& rows, int row) {
  return CatalogItem{rows.int64(row, 0),
                     rows.int64(row, 1),
                     std::string(rows.text(row, 2)),
                     rows.optional_text(row, 3),
                     rows.int64(row, 4),
                     std::string(rows.text(row, 5)),
                     std::string(rows.text(row, 6)),
                     rows.optional_text(row, 7)};
}

// `lock`: the row locked until the transaction ends (a write reads what it replaces).
Result<CatalogItem> find_item(Connection& db, Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                              bool include_deleted, bool lock = false) {
  const CatalogTable t = catalog_table(catalog);
  Rows rows =
      db.exec("SELECT " + catalog_columns(t) + " FROM " + t.name +
                  " WHERE id = $1 AND workspace_id = $2 AND ($3 OR deleted_at IS NULL)" + (lock ? " FOR UPDATE" : ""),
              Params(id, workspace_id, include_deleted));
  if (rows.empty()) return make_error(ErrorCode::NotFound, std::string(t.noun) + " not found");
  return read_item(rows, 0);
}

}  // namespace

Result<CatalogItem> PostgresStore::create_catalog_item(Catalog catalog, std::int64_t workspace_id,
                                                       std::int64_t creator_id, const std::string& name,
                                                       const std::optional<std::string>& extra) {
  return write([&](Connection& db) -> Result<CatalogItem> {
    const CatalogTable t = catalog_table(catalog);
    const std::string now = now_rfc3339();
    Rows rows = db.exec(std::string("INSERT INTO ") + t.name + " (workspace_id, name, " + t.extra +
                            ", creator_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING " +
                            catalog_columns(t),
                        Params(workspace_id, name, extra, creator_id, now));
    return read_item(rows, 0);
  });
}

Result<CatalogItem> PostgresStore::find_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                                     bool include_deleted) {
  return read([&](Connection& db) { return find_item(db, catalog, workspace_id, id, include_deleted); });
}

Result<CatalogList> PostgresStore::list_catalog_items(const CatalogQuery& q) {
  return read([&](Connection& db) -> Result<CatalogList> {
    const CatalogTable t = catalog_table(q.catalog);
    const std::string matching = std::string(" FROM ") + t.name +
                                 " WHERE workspace_id = $1 AND deleted_at IS NULL"
                                 " AND ($2::text IS NULL OR strpos(focusd_fold(name), focusd_fold($2)) > 0)"
                                 " AND (cardinality($3::bigint[]) = 0 OR id = ANY($3::bigint[]))";
    const std::string ids = id_array(q.ids);
    static const sql::OrderColumns kColumns = {{"name", "focusd_fold(name)"},
                                               {"created_at", "created_at"},
                                               {"updated_at", "updated_at"},
                                               {"active", "(deleted_at IS NULL)"}};
    // The count and the page in one statement: one snapshot.
    Rows rows = db.exec("SELECT " + catalog_columns(t) + ", count(*) OVER ()" + matching +
                            sql::order_clause(q.order, kColumns, "focusd_fold(name)", "id") + " LIMIT $4 OFFSET $5",
                        Params(q.workspace_id, q.name, ids, q.page.per_page, q.page.offset()));
    CatalogList list;
    for (int i = 0; i < rows.size(); ++i) list.items.push_back(read_item(rows, i));
    if (!rows.empty()) {
      list.total = rows.int64(0, 8);
    } else if (q.page.offset() > 0) {  // past the last page: the total still counts
      list.total = db.exec("SELECT count(*)" + matching, Params(q.workspace_id, q.name, ids)).int64(0, 0);
    }
    return list;
  });
}

Result<CatalogItem> PostgresStore::update_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                                       const std::string& name,
                                                       const std::optional<std::string>& extra) {
  return write([&](Connection& db) -> Result<CatalogItem> {
    const CatalogTable t = catalog_table(catalog);
    if (auto found = find_item(db, catalog, workspace_id, id, false, true); !found) return found.error();
    Rows rows = db.exec(std::string("UPDATE ") + t.name + " SET name = $2, " + t.extra +
                            " = $3, updated_at = $4 WHERE id = $1 RETURNING " + catalog_columns(t),
                        Params(id, name, extra, now_rfc3339()));
    return read_item(rows, 0);
  });
}

Status PostgresStore::set_catalog_item_deleted(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                               bool deleted) {
  return write([&](Connection& db) -> Status {
    const CatalogTable t = catalog_table(catalog);
    auto found = find_item(db, catalog, workspace_id, id, !deleted, true);  // deleting needs a live item
    if (!found) return found.error();
    if (found->deleted_at.has_value() == deleted) return Ok{};
    const std::string now = now_rfc3339();
    db.exec(std::string("UPDATE ") + t.name + " SET deleted_at = $2, updated_at = $3 WHERE id = $1",
            Params(id, deleted ? std::optional<std::string>(now) : std::nullopt, now));
    return Ok{};
  });
}

}  // namespace focusd
