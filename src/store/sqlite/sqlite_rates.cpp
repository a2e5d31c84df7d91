// Project rates: a timeline of hourly rates without overlaps.
#include "common/time.h"
#include "store/rate_cut.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {

using sqlite::Connection;
using sqlite::Transaction;

namespace {

std::vector<RateRecord> load_rates(Connection& db, std::int64_t project_id) {
  auto stmt = db.prepare(
      "SELECT id, project_id, hourly_rate, currency, start_at, end_at FROM project_rates WHERE project_id = ?1"
      " ORDER BY start_at, id");
  stmt.bind_all(project_id);
  std::vector<RateRecord> rates;
  while (stmt.step()) {
    rates.push_back({stmt.int64(0), stmt.int64(1), stmt.real(2), stmt.text(3), stmt.text(4), stmt.optional_text(5)});
  }
  return rates;
}

void insert_rate(Connection& db, std::int64_t project_id, double hourly_rate, const std::string& currency,
                 const std::string& start_at, const std::optional<std::string>& end_at) {
  db.prepare(
        "INSERT INTO project_rates (project_id, hourly_rate, currency, start_at, end_at, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind_all(project_id, hourly_rate, currency, start_at, end_at, now_rfc3339())
      .run();
}

// Removes [from, to) from the project's timeline (sql::rate_cuts).
void cut(Connection& db, std::int64_t project_id, const std::string& from, const std::optional<std::string>& to) {
  const auto rates = load_rates(db, project_id);
  for (const auto& c : sql::rate_cuts(rates, from, to)) {
    switch (c.kind) {
      case sql::RateCut::Kind::End:
        db.prepare("UPDATE project_rates SET end_at = ?2 WHERE id = ?1").bind_all(c.rate->id, c.at).run();
        if (c.tail_from) {
          insert_rate(db, project_id, c.rate->hourly_rate, c.rate->currency, *c.tail_from, c.rate->end_at);
        }
        break;
      case sql::RateCut::Kind::Start:
        db.prepare("UPDATE project_rates SET start_at = ?2 WHERE id = ?1").bind_all(c.rate->id, c.at).run();
        break;
      case sql::RateCut::Kind::Remove:
        db.prepare("DELETE FROM project_rates WHERE id = ?1").bind_all(c.rate->id).run();
        break;
    }
  }
}

}  // namespace

Result<std::vector<RateRecord>> SqliteStore::project_rates(std::int64_t project_id) {
  return read([&](Connection& db) -> Result<std::vector<RateRecord>> { return load_rates(db, project_id); });
}

Result<RateRecord> SqliteStore::add_project_rate(std::int64_t project_id, const NewRate& rate) {
  return write([&](Connection& db) -> Result<RateRecord> {
    Transaction tx(db);
    cut(db, project_id, rate.start_at, rate.end_at);
    insert_rate(db, project_id, rate.hourly_rate, rate.currency, rate.start_at, rate.end_at);
    const std::int64_t id = db.last_insert_id();
    tx.commit();
    return RateRecord{id, project_id, rate.hourly_rate, rate.currency, rate.start_at, rate.end_at};
  });
}

Status SqliteStore::clear_project_rates(std::int64_t project_id, const std::string& from,
                                        const std::optional<std::string>& to) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    cut(db, project_id, from, to);
    tx.commit();
    return Ok{};
  });
}

}  // namespace focusd
