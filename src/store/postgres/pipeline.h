#pragma once
// One connection of one I/O thread, in libpq's non-blocking pipeline mode:
// the statements that the thread's coroutines run go out together, one write
// per turn of the event loop, and their results come back in order, without a
// thread waiting on any of them. The statements of one write share one
// implicit transaction, each seeing what was committed when it started (READ
// COMMITTED): for reads that are a single statement (a GET by id), not for
// writes or reads that must share a snapshot (those use the pool).
//
// Everything here runs on the thread of the executor the pipeline was opened
// on; Pipelines hands each thread its own. A broken connection fails what
// waits on it (PgError, unavailable) and is replaced on the next statement.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/postgres/connection.h"

namespace focusd::postgres {

class Pipeline : public std::enable_shared_from_this<Pipeline> {
 public:
  // Connects without blocking (within `connect_wait`): throws PgError
  // (unavailable) when the server cannot be reached in time.
  static boost::asio::awaitable<std::shared_ptr<Pipeline>> open(const std::string& url,
                                                                std::chrono::milliseconds connect_wait);
  explicit Pipeline(PGconn* conn) : conn_(conn) {}
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline();

  // Runs one statement (prepared on this connection the first time its text
  // is seen); throws PgError as Connection::exec does.
  boost::asio::awaitable<Rows> exec(std::string_view sql, const Params& params);
  // False once the connection broke or its thread's event loop ended.
  bool usable() const { return !broken_; }

 private:
  // What the server will answer next, in the order sent.
  struct Answer;
  struct Socket;
  struct Expected {
    enum class Kind { Setting, Prepare, Statement, Sync } kind;
    std::shared_ptr<Answer> answer;  // Prepare and Statement: whom the answer is for
    std::string sql;                 // Prepare: the statement prepared
    PGresult* result = nullptr;      // received, awaiting the end of its statement
  };

  // Sends the statement (its Prepare first when new), and a Sync before it
  // when `alone` and others are waiting for theirs; schedules the flush.
  void send(std::string_view sql, const Params& params, const std::shared_ptr<Answer>& answer, bool alone);
  void sync();
  void schedule_flush();
  void flush();
  static boost::asio::awaitable<void> read_loop(std::unique_ptr<Socket> socket);
  // Hands out the answers that have arrived.
  void take_results();
  void finish(Expected& expected);
  // Fails everything waiting (the connection broke): `why` for the log.
  void fail_all(const std::string& why);

  PGconn* conn_;
  boost::asio::any_io_executor executor_;
  Socket* socket_ = nullptr;  // owned by read_loop()'s frame, so that it ends with the event loop
  std::deque<Expected> expected_;
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> prepared_;  // SQL -> statement name
  int names_given_ = 0;
  int unsynced_ = 0;  // statements sent since the last Sync
  bool flush_scheduled_ = false;
  bool waiting_to_write_ = false;
  bool broken_ = false;
};

// Each thread's pipeline to one database, opened on its first statement and
// opened again after it broke.
class Pipelines {
 public:
  Pipelines(std::string url, std::size_t per_thread, std::chrono::milliseconds connect_wait)
      : url_(std::move(url)), per_thread_(per_thread), connect_wait_(connect_wait) {}
  // Runs one statement on one of the calling thread's pipelines, each in turn.
  boost::asio::awaitable<Rows> exec(std::string_view sql, const Params& params);

 private:
  const std::string url_;
  const std::size_t per_thread_;
  const std::chrono::milliseconds connect_wait_;
  struct Slot {
    std::shared_ptr<Pipeline> pipeline;
    // While one coroutine of the thread opens the pipeline, the others wait on this.
    std::shared_ptr<boost::asio::steady_timer> opening;
  };
  struct Thread {
    std::vector<Slot> slots;  // per_thread_ of them
    std::size_t next = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::thread::id, Thread> by_thread_;
};

}  // namespace focusd::postgres
