// Project rates on PostgreSQL: a timeline of hourly rates without overlaps
// (the rules of sqlite/sqlite_rates.cpp). A write locks the project's row
// first: two cuts of one timeline run one after another.
#include "common/time.h"
#include "store/postgres/postgres_store.h"
#include "store/rate_cut.h"

namespace focusd {

using postgres::Connection;
using postgres::Params;
using postgres::Rows;

namespace {

std::vector<RateRecord> load_rates(Connection& db, std::int64_t project_id) {
  Rows rows = db.exec(
      "SELECT id, project_id, hourly_rate, currency, start_at, end_at FROM project_rates WHERE project_id = $1"
      " ORDER BY start_at, id",
      Params(project_id));
  std::vector<RateRecord> rates;
  rates.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    rates.push_back({rows.int64(i, 0), rows.int64(i, 1), rows.real(i, 2), std::string(rows.text(i, 3)),
                     std::string(rows.text(i, 4)), rows.optional_text(i, 5)});
  }
  return rates;
}

std::int64_t insert_rate(Connection& db, std::int64_t project_id, double hourly_rate, const std::string& currency,
                         const std::string& start_at, const std::optional<std::string>& end_at) {
  return db
      .exec(
          "INSERT INTO project_rates (project_id, hourly_rate, currency, start_at, end_at, created_at)"
          " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
          Params(project_id, hourly_rate, currency, start_at, end_at, now_rfc3339()))
      .int64(0, 0);
}

// Removes [from, to) from the project's timeline (sql::rate_cuts).
void cut(Connection& db, std::int64_t project_id, const std::string& from, const std::optional<std::string>& to) {
  db.exec("SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE", Params(project_id));
  const auto rates = load_rates(db, project_id);
  for (const auto& c : sql::rate_cuts(rates, from, to)) {
    switch (c.kind) {
      case sql::RateCut::Kind::End:
        db.exec("UPDATE project_rates SET end_at = $2 WHERE id = $1", Params(c.rate->id, c.at));
        if (c.tail_from) {
          insert_rate(db, project_id, c.rate->hourly_rate, c.rate->currency, *c.tail_from, c.rate->end_at);
        }
        break;
      case sql::RateCut::Kind::Start:
        db.exec("UPDATE project_rates SET start_at = $2 WHERE id = $1", Params(c.rate->id, c.at));
        break;
      case sql::RateCut::Kind::Remove: db.exec("DELETE FROM project_rates WHERE id = $1", Params(c.rate->id)); break;
    }
  }
}

}  // namespace

Result<std::vector<RateRecord>> PostgresStore::project_rates(std::int64_t project_id) {
  return read([&](Connection& db) -> Result<std::vector<RateRecord>> { return load_rates(db, project_id); });
}

Result<RateRecord> PostgresStore::add_project_rate(std::int64_t project_id, const NewRate& rate) {
  return write([&](Connection& db) -> Result<RateRecord> {
    cut(db, project_id, rate.start_at, rate.end_at);
    const std::int64_t id = insert_rate(db, project_id, rate.hourly_rate, rate.currency, rate.start_at, rate.end_at);
    return RateRecord{id, project_id, rate.hourly_rate, rate.currency, rate.start_at, rate.end_at};
  });
}

Status PostgresStore::clear_project_rates(std::int64_t project_id, const std::string& from,
                                          const std::optional<std::string>& to) {
  return write([&](Connection& db) -> Status {
    cut(db, project_id, from, to);
    return Ok{};
  });
}

}  // namespace focusd
