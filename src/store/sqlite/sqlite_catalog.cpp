// Clients and tags: one implementation, the catalog a parameter.
#include "common/time.h"
#include "store/catalog_table.h"
#include "store/sql_order.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {

using sqlite::Connection;
using sqlite::Transaction;

namespace {

CatalogItem read_item(const sqlite::Statement& s) {
  return CatalogItem{s.int64(0), s.int64(1),     s.text(2),      s.optional_text(3),
                     s.int64(4), s.text_view(5), s.text_view(6), s.optional_text_view(7)};
}

Result<CatalogItem> find_item(Connection& db, Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                              bool include_deleted) {
  const CatalogTable t = catalog_table(catalog);
  auto stmt = db.prepare("SELECT " + catalog_columns(t) + " FROM " + t.name +
                         " WHERE id = ?1 AND workspace_id = ?2 AND (?3 OR deleted_at IS NULL)");
  stmt.bind_all(id, workspace_id, include_deleted ? 1 : 0);
  if (!stmt.step()) return make_error(ErrorCode::NotFound, std::string(t.noun) + " not found");
  return read_item(stmt);
}

}  // namespace

Result<CatalogItem> SqliteStore::create_catalog_item(Catalog catalog, std::int64_t workspace_id,
                                                     std::int64_t creator_id, const std::string& name,
                                                     const std::optional<std::string>& extra) {
  return write([&](Connection& db) -> Result<CatalogItem> {
    const CatalogTable t = catalog_table(catalog);
    Transaction tx(db);
    const std::string now = now_rfc3339();
    db.prepare(std::string("INSERT INTO ") + t.name + " (workspace_id, name, " + t.extra +
               ", creator_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)")
        .bind_all(workspace_id, name, extra, creator_id, now)
        .run();
    auto item = find_item(db, catalog, workspace_id, db.last_insert_id(), false);
    tx.commit();
    return item;
  });
}

Result<CatalogItem> SqliteStore::find_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                                   bool include_deleted) {
  return read([&](Connection& db) { return find_item(db, catalog, workspace_id, id, include_deleted); });
}

Result<CatalogList> SqliteStore::list_catalog_items(const CatalogQuery& q) {
  return read([&](Connection& db) -> Result<CatalogList> {
    const CatalogTable t = catalog_table(q.catalog);
    const std::string where =
        std::string(" FROM ") + t.name +
        " WHERE workspace_id = ?1 AND deleted_at IS NULL AND (?2 IS NULL OR instr(lower(name), lower(?2)) > 0)"
        " AND (json_array_length(?3) = 0 OR id IN (SELECT value FROM json_each(?3)))";
    std::string ids = "[";
    for (std::size_t i = 0; i < q.ids.size(); ++i) ids += (i ? "," : "") + std::to_string(q.ids[i]);
    ids += "]";

    CatalogList list;
    auto count = db.prepare("SELECT COUNT(*)" + where);
    count.bind_all(q.workspace_id, q.name, ids);
    if (count.step()) list.total = count.int64(0);

    static const sql::OrderColumns kColumns = {{"name", "name COLLATE NOCASE"},
                                               {"created_at", "created_at"},
                                               {"updated_at", "updated_at"},
                                               {"active", "(deleted_at IS NULL)"}};
    auto stmt = db.prepare("SELECT " + catalog_columns(t) + where +
                           sql::order_clause(q.order, kColumns, "name COLLATE NOCASE", "id") + " LIMIT ?4 OFFSET ?5");
    stmt.bind_all(q.workspace_id, q.name, ids, q.page.per_page, q.page.offset());
    while (stmt.step()) list.items.push_back(read_item(stmt));
    return list;
  });
}

Result<CatalogItem> SqliteStore::update_catalog_item(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                                     const std::string& name, const std::optional<std::string>& extra) {
  return write([&](Connection& db) -> Result<CatalogItem> {
    const CatalogTable t = catalog_table(catalog);
    Transaction tx(db);
    if (auto found = find_item(db, catalog, workspace_id, id, false); !found) return found.error();
    db.prepare(std::string("UPDATE ") + t.name + " SET name = ?2, " + t.extra + " = ?3, updated_at = ?4 WHERE id = ?1")
        .bind_all(id, name, extra, now_rfc3339())
        .run();
    auto item = find_item(db, catalog, workspace_id, id, false);
    tx.commit();
    return item;
  });
}

Status SqliteStore::set_catalog_item_deleted(Catalog catalog, std::int64_t workspace_id, std::int64_t id,
                                             bool deleted) {
  return write([&](Connection& db) -> Status {
    const CatalogTable t = catalog_table(catalog);
    Transaction tx(db);
    auto found = find_item(db, catalog, workspace_id, id, !deleted);  // deleting needs a live item
    if (!found) return found.error();
    if (found->deleted_at.has_value() == deleted) return Ok{};
    const std::string now = now_rfc3339();
    db.prepare(std::string("UPDATE ") + t.name + " SET deleted_at = ?2, updated_at = ?3 WHERE id = ?1")
        .bind_all(id, deleted ? std::optional<std::string>(now) : std::nullopt, now)
        .run();
    tx.commit();
    return Ok{};
  });
}

}  // namespace focusd
