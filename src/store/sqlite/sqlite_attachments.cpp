// Attachments of projects and tasks: one table, the parent kind a column.
#include "common/time.h"
#include "store/sql_order.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

const char* kind_name(ParentKind kind) {
  return kind == ParentKind::Project ? "project" : "task";
}

constexpr const char* kColumns =
    "SELECT id, parent_kind, parent_id, workspace_id, name, mime_type, size, sha256, display_order, created_at,"
    " updated_at, deleted_at, blob FROM attachments ";

AttachmentRecord read_attachment(const Statement& s) {
  return AttachmentRecord{s.int64(0),
                          s.text(1) == "task" ? ParentKind::Task : ParentKind::Project,
                          s.int64(2),
                          s.int64(3),
                          s.text(4),
                          s.text(5),
                          s.int64(6),
                          s.text(7),
                          s.real(8),
                          s.text_view(9),
                          s.text_view(10),
                          s.optional_text_view(11),
                          s.optional_text(12).value_or("")};
}

Result<AttachmentRecord> find(Connection& db, ParentKind kind, std::int64_t parent_id, std::int64_t id) {
  auto stmt = db.prepare(std::string(kColumns) +
                         "WHERE id = ?1 AND parent_kind = ?2 AND parent_id = ?3 AND deleted_at IS NULL");
  stmt.bind_all(id, kind_name(kind), parent_id);
  if (!stmt.step()) return make_error(ErrorCode::NotFound, "attachment not found");
  return read_attachment(stmt);
}

std::int64_t used(Connection& db, std::int64_t workspace_id) {
  auto stmt =
      db.prepare("SELECT COALESCE(SUM(size), 0) FROM attachments WHERE workspace_id = ?1 AND deleted_at IS NULL");
  stmt.bind_all(workspace_id);
  return stmt.step() ? stmt.int64(0) : 0;
}

}  // namespace

Result<std::vector<AttachmentRecord>> SqliteStore::list_attachments(ParentKind kind, std::int64_t parent_id,
                                                                    const Ordering& order) {
  return read([&](Connection& db) -> Result<std::vector<AttachmentRecord>> {
    static const sql::OrderColumns kOrder = {
        {"display_order", "display_order"}, {"created_at", "created_at"}, {"name", "name COLLATE NOCASE"}};
    auto stmt = db.prepare(std::string(kColumns) + "WHERE parent_kind = ?1 AND parent_id = ?2 AND deleted_at IS NULL" +
                           sql::order_clause(order, kOrder, "display_order", "id"));
    stmt.bind_all(kind_name(kind), parent_id);
    std::vector<AttachmentRecord> result;
    while (stmt.step()) result.push_back(read_attachment(stmt));
    return result;
  });
}

Result<AttachmentRecord> SqliteStore::find_attachment(ParentKind kind, std::int64_t parent_id,
                                                      std::int64_t attachment_id) {
  return read([&](Connection& db) { return find(db, kind, parent_id, attachment_id); });
}

Result<std::vector<AttachmentRecord>> SqliteStore::create_attachments(ParentKind kind, std::int64_t parent_id,
                                                                      std::int64_t workspace_id,
                                                                      const std::vector<NewAttachment>& attachments,
                                                                      std::optional<std::int64_t> quota_bytes) {
  return write([&](Connection& db) -> Result<std::vector<AttachmentRecord>> {
    Transaction tx(db);
    if (quota_bytes) {
      std::int64_t total = used(db, workspace_id);
      for (const auto& a : attachments) total += a.size;
      if (total > *quota_bytes) {
        return make_error(ErrorCode::QuotaExceeded, "the workspace's attachment storage quota of " +
                                                        std::to_string(*quota_bytes) + " bytes would be exceeded");
      }
    }
    const std::string now = now_rfc3339();
    std::vector<AttachmentRecord> created;
    for (const auto& a : attachments) {
      db.prepare(
            "INSERT INTO attachments (parent_kind, parent_id, workspace_id, name, mime_type, size, sha256,"
            " display_order, created_at, updated_at, blob) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)")
          .bind_all(kind_name(kind), parent_id, workspace_id, a.name, a.mime_type, a.size, a.sha256, a.display_order,
                    now, a.blob.empty() ? std::optional<std::string>() : std::optional<std::string>(a.blob))
          .run();
      auto row = find(db, kind, parent_id, db.last_insert_id());
      if (!row) return row.error();
      created.push_back(std::move(row.value()));
    }
    tx.commit();
    return created;
  });
}

Status SqliteStore::update_attachment(ParentKind kind, std::int64_t parent_id, std::int64_t attachment_id,
                                      const std::string& name, double display_order) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    if (auto found = find(db, kind, parent_id, attachment_id); !found) return found.error();
    db.prepare("UPDATE attachments SET name = ?2, display_order = ?3, updated_at = ?4 WHERE id = ?1")
        .bind_all(attachment_id, name, display_order, now_rfc3339())
        .run();
    tx.commit();
    return Ok{};
  });
}

Result<std::optional<std::string>> SqliteStore::delete_attachment(ParentKind kind, std::int64_t parent_id,
                                                                  std::int64_t attachment_id) {
  return write([&](Connection& db) -> Result<std::optional<std::string>> {
    Transaction tx(db);
    auto found = find(db, kind, parent_id, attachment_id);
    if (!found) return found.error();
    db.prepare("UPDATE attachments SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1")
        .bind_all(attachment_id, now_rfc3339())
        .run();
    bool referenced = false;
    if (found->blob.empty()) {  // a blob of its own name is this row's alone
      auto still =
          db.prepare("SELECT 1 FROM attachments WHERE sha256 = ?1 AND blob IS NULL AND deleted_at IS NULL LIMIT 1");
      still.bind_all(found->sha256);
      referenced = still.step();
    }
    tx.commit();
    return referenced ? std::optional<std::string>() : std::optional<std::string>(found->blob_name());
  });
}

Result<std::int64_t> SqliteStore::storage_used(std::int64_t workspace_id) {
  return read([&](Connection& db) -> Result<std::int64_t> { return used(db, workspace_id); });
}

Result<std::vector<std::string>> SqliteStore::live_blob_names() {
  return read([&](Connection& db) -> Result<std::vector<std::string>> {
    auto stmt =
        db.prepare("SELECT DISTINCT COALESCE(blob, sha256) AS b FROM attachments WHERE deleted_at IS NULL ORDER BY b");
    std::vector<std::string> names;
    while (stmt.step()) names.push_back(stmt.text(0));
    return names;
  });
}

Status SqliteStore::snapshot_to(const std::string& path) {
  return read([&](Connection& db) -> Status {
    db.backup_to(path);
    return Ok{};
  });
}

}  // namespace focusd
