// Attachments of projects and tasks on PostgreSQL: one table, the parent kind
// a column (the rules of sqlite/sqlite_attachments.cpp). An upload counted
// against a quota locks the workspace's row first: two uploads at once cannot
// both fit in the room left for one.
#include "common/time.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/sql_common.h"
#include "store/sql_order.h"

namespace focusd {

using postgres::Connection;
using postgres::Params;
using postgres::Rows;

namespace {

const char* kind_name(ParentKind kind) {
  return kind == ParentKind::Project ? "project" : "task";
}

constexpr const char* kColumns =
    "id, parent_kind, parent_id, workspace_id, name, mime_type, size, sha256, display_order, created_at,"
    " updated_at, deleted_at, blob";

AttachmentRecord read_attachment(const Rows& r, int i) {
  return AttachmentRecord{r.int64(i, 0),
                          r.text(i, 1) == "task" ? ParentKind::Task : ParentKind::Project,
                          r.int64(i, 2),
                          r.int64(i, 3),
                          std::string(r.text(i, 4)),
                          std::string(r.text(i, 5)),
                          r.int64(i, 6),
                          std::string(r.text(i, 7)),
                          r.real(i, 8),
                          std::string(r.text(i, 9)),
                          std::string(r.text(i, 10)),
                          r.optional_text(i, 11),
                          r.optional_text(i, 12).value_or("")};
}

Result<AttachmentRecord> find(Connection& db, ParentKind kind, std::int64_t parent_id, std::int64_t id) {
  Rows rows = db.exec(std::string("SELECT ") + kColumns +
                          " FROM attachments WHERE id = $1 AND parent_kind = $2 AND parent_id = $3"
                          " AND deleted_at IS NULL",
                      Params(id, kind_name(kind), parent_id));
  if (rows.empty()) return make_error(ErrorCode::NotFound, "attachment not found");
  return read_attachment(rows, 0);
}

std::int64_t used(Connection& db, std::int64_t workspace_id) {
  return db
      .exec("SELECT COALESCE(SUM(size), 0)::bigint FROM attachments WHERE workspace_id = $1 AND deleted_at IS NULL",
            Params(workspace_id))
      .int64(0, 0);
}

}  // namespace

Result<std::vector<AttachmentRecord>> PostgresStore::list_attachments(ParentKind kind, std::int64_t parent_id,
                                                                      const Ordering& order) {
  return read([&](Connection& db) -> Result<std::vector<AttachmentRecord>> {
    static const sql::OrderColumns kOrder = {
        {"display_order", "display_order"}, {"created_at", "created_at"}, {"name", "focusd_fold(name)"}};
    Rows rows = db.exec(std::string("SELECT ") + kColumns +
                            " FROM attachments WHERE parent_kind = $1 AND parent_id = $2 AND deleted_at IS NULL" +
                            sql::order_clause(order, kOrder, "display_order", "id", true),
                        Params(kind_name(kind), parent_id));
    std::vector<AttachmentRecord> result;
    result.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) result.push_back(read_attachment(rows, i));
    return result;
  });
}

Result<AttachmentRecord> PostgresStore::find_attachment(ParentKind kind, std::int64_t parent_id,
                                                        std::int64_t attachment_id) {
  return read([&](Connection& db) { return find(db, kind, parent_id, attachment_id); });
}

Result<std::vector<AttachmentRecord>> PostgresStore::create_attachments(ParentKind kind, std::int64_t parent_id,
                                                                        std::int64_t workspace_id,
                                                                        const std::vector<NewAttachment>& attachments,
                                                                        std::optional<std::int64_t> quota_bytes) {
  return write([&](Connection& db) -> Result<std::vector<AttachmentRecord>> {
    if (quota_bytes) {
      postgres::lock_workspace(db, workspace_id);
      std::int64_t total = used(db, workspace_id);
      for (const auto& a : attachments) total += a.size;
      if (total > *quota_bytes) {
        return make_error(ErrorCode::QuotaExceeded, "the workspace's attachment storage quota of " +
                                                        std::to_string(*quota_bytes) + " bytes would be exceeded");
      }
    }
    const std::string now = now_rfc3339();
    std::vector<AttachmentRecord> created;
    created.reserve(attachments.size());
    for (const auto& a : attachments) {
      Rows row = db.exec(
          std::string("INSERT INTO attachments (parent_kind, parent_id, workspace_id, name, mime_type, size, sha256,"
                      " display_order, created_at, updated_at, blob)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING ") +
              kColumns,
          Params(kind_name(kind), parent_id, workspace_id, a.name, a.mime_type, a.size, a.sha256, a.display_order, now,
                 a.blob.empty() ? std::optional<std::string>() : std::optional<std::string>(a.blob)));
      created.push_back(read_attachment(row, 0));
    }
    return created;
  });
}

Status PostgresStore::update_attachment(ParentKind kind, std::int64_t parent_id, std::int64_t attachment_id,
                                        const std::string& name, double display_order) {
  return write([&](Connection& db) -> Status {
    Rows updated = db.exec(
        "UPDATE attachments SET name = $4, display_order = $5, updated_at = $6"
        " WHERE id = $1 AND parent_kind = $2 AND parent_id = $3 AND deleted_at IS NULL",
        Params(attachment_id, kind_name(kind), parent_id, name, display_order, now_rfc3339()));
    if (updated.affected() == 0) return make_error(ErrorCode::NotFound, "attachment not found");
    return Ok{};
  });
}

Result<std::optional<std::string>> PostgresStore::delete_attachment(ParentKind kind, std::int64_t parent_id,
                                                                    std::int64_t attachment_id) {
  return write([&](Connection& db) -> Result<std::optional<std::string>> {
    Rows deleted = db.exec(
        "UPDATE attachments SET deleted_at = $4, updated_at = $4"
        " WHERE id = $1 AND parent_kind = $2 AND parent_id = $3 AND deleted_at IS NULL RETURNING sha256, blob",
        Params(attachment_id, kind_name(kind), parent_id, now_rfc3339()));
    if (deleted.empty()) return make_error(ErrorCode::NotFound, "attachment not found");
    if (auto blob = deleted.optional_text(0, 1)) return blob;  // a blob of its own name is this row's alone
    const std::string digest(deleted.text(0, 0));
    const bool referenced =
        !db.exec("SELECT 1 FROM attachments WHERE sha256 = $1 AND blob IS NULL AND deleted_at IS NULL LIMIT 1",
                 Params(digest))
             .empty();
    return referenced ? std::optional<std::string>() : std::optional<std::string>(digest);
  });
}

Result<std::int64_t> PostgresStore::storage_used(std::int64_t workspace_id) {
  return read([&](Connection& db) -> Result<std::int64_t> { return used(db, workspace_id); });
}

Status PostgresStore::snapshot_to(const std::string&) {
  return make_error(ErrorCode::InvalidArgument,
                    "on PostgreSQL, back the database up with PostgreSQL's own tools (pg_dump, or a base backup with "
                    "WAL archiving); focusd admin backup is for the embedded SQLite install");
}

namespace {

// The key of the sweep's advisory lock: any fixed number, the same for every focusd.
constexpr std::int64_t kSweepLock = 0x666f637573640002;  // "focusd" 2

// A session's advisory lock, on a connection kept out of the pool for as
// long as it is held. A connection that breaks meanwhile lets go of it.
class SweepHold final : public Held {
 public:
  explicit SweepHold(postgres::Pool::Lease connection) : connection_(std::move(connection)) {}
  SweepHold(const SweepHold&) = delete;
  SweepHold& operator=(const SweepHold&) = delete;
  ~SweepHold() override {
    try {
      connection_->exec("SELECT pg_advisory_unlock($1::bigint)", Params(kSweepLock));
    } catch (const postgres::PgError&) {  // NOLINT(bugprone-empty-catch): a broken connection has let go
    }
  }

 private:
  postgres::Pool::Lease connection_;
};

}  // namespace

Result<std::unique_ptr<Held>> PostgresStore::hold_sweep() {
  try {
    postgres::Pool::Lease connection = pool_.acquire();
    Rows taken = connection->exec("SELECT pg_try_advisory_lock($1::bigint)", Params(kSweepLock));
    if (!taken.boolean(0, 0)) {
      return make_error(ErrorCode::Conflict, "another focusd admin fsck --repair is sweeping this database's blobs");
    }
    return std::unique_ptr<Held>(std::make_unique<SweepHold>(std::move(connection)));
  } catch (const postgres::PgError& e) {
    return postgres_error(e);
  }
}

Result<std::vector<std::string>> PostgresStore::live_blob_names() {
  return read([&](Connection& db) -> Result<std::vector<std::string>> {
    Rows rows =
        db.exec("SELECT DISTINCT COALESCE(blob, sha256) AS b FROM attachments WHERE deleted_at IS NULL ORDER BY b");
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) names.emplace_back(rows.text(i, 0));
    return names;
  });
}

}  // namespace focusd
