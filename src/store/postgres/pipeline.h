#pragma once
// One connection of one I/O thread, in libpq's non-blocking pipeline mode:
// the statements that the thread's coroutines run go out together, one write
// per turn of the event loop, and their results come back in order, without a
// thread waiting on any of them. The statements of one write (a batch, ended
// by a Sync) share one implicit transaction, each seeing what was committed
// when it started (READ COMMITTED), committed at the Sync. Two modes:
//  - Reads: each answer is handed out as it comes; for reads that are a single
//    statement (a GET by id), not for those that must share a snapshot (those
//    use the pool).
//  - Commits: for writes that are a single statement. One Sync in flight at a
//    time: what comes meanwhile is sent (and run) at once, but its Sync waits
//    for the one before to be answered, so that it all commits together (group
//    commit: one COMMIT, one WAL flush), and every answer is handed out once
//    its batch has committed.
//    A batch that failed committed nothing: its statements that did not fail
//    are asked again, each alone (so that no statement can fail another
//    twice), and so is one that failed by a deadlock or a serialization
//    failure (kAttempts times in all).
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
  enum class Mode { Reads, Commits };
  static constexpr int kAttempts = 5;  // of a statement in Commits mode
  // Connects without blocking (within `connect_wait`): throws PgError
  // (unavailable) when the server cannot be reached in time.
  static boost::asio::awaitable<std::shared_ptr<Pipeline>> open(const std::string& url,
                                                                std::chrono::milliseconds connect_wait,
                                                                Mode mode = Mode::Reads);
  Pipeline(PGconn* conn, Mode mode) : conn_(conn), mode_(mode) {}
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

  // Whether the answer (its statement's result in `result`) asks for the
  // statement to be sent again: aborted by another's failure, and so on.
  bool ask_again(const Answer& answer, PGresult* result, int attempt) const;
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
  // Commits mode, at a batch's Sync: hands out the answers it held.
  void end_batch();
  // Fails everything waiting (the connection broke): `why` for the log.
  void fail_all(const std::string& why);

  PGconn* conn_;
  const Mode mode_;
  boost::asio::any_io_executor executor_;
  Socket* socket_ = nullptr;  // owned by read_loop()'s frame, so that it ends with the event loop
  std::deque<Expected> expected_;
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> prepared_;  // SQL -> statement name
  int names_given_ = 0;
  int unsynced_ = 0;         // statements sent since the last Sync
  int syncs_in_flight_ = 0;  // sent, their results not all in yet
  bool flush_scheduled_ = false;
  bool waiting_to_write_ = false;
  bool broken_ = false;
  // Commits mode: whether a statement of the batch being answered failed, and
  // the answers it holds back until its Sync.
  bool batch_failed_ = false;
  std::vector<std::shared_ptr<Answer>> batch_answers_;
};

// Each thread's pipeline to one database, opened on its first statement and
// opened again after it broke.
class Pipelines {
 public:
  Pipelines(std::string url, std::size_t per_thread, std::chrono::milliseconds connect_wait,
            Pipeline::Mode mode = Pipeline::Mode::Reads)
      : url_(std::move(url)), per_thread_(per_thread), connect_wait_(connect_wait), mode_(mode) {}
  // Runs one statement on one of the calling thread's pipelines, each in turn.
  boost::asio::awaitable<Rows> exec(std::string_view sql, const Params& params);

 private:
  const std::string url_;
  const std::size_t per_thread_;
  const std::chrono::milliseconds connect_wait_;
  const Pipeline::Mode mode_;
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
