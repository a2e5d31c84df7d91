#include "store/postgres/pipeline.h"

#include <fcntl.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>
#include <variant>

namespace focusd::postgres {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

PgError lost(const std::string& why) {
  return PgError("", true, "the database connection: " + why);
}

bool succeeded(PGresult* result) {
  const ExecStatusType status = result ? libpq().result_status(result) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

void clear(PGresult*& result) {
  if (result) libpq().clear(result);
  result = nullptr;
}

// What Asio waits on: a duplicate of the connection's socket, never libpq's
// own descriptor. libpq closes its descriptor by itself when the connection
// breaks, and another thread may get the same number at once for a socket of
// its own (a new connection, a client's); Asio, letting go of a descriptor it
// still knew by that number, would take that socket out of epoll, and
// whatever waited on it would wait forever. The duplicate is Asio's to close.
asio::posix::stream_descriptor watch(const asio::any_io_executor& executor, PGconn* conn) {
  const int fd = ::fcntl(libpq().socket(conn), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw lost(std::string("its socket: ") + std::strerror(errno));
  return asio::posix::stream_descriptor(executor, fd);
}

}  // namespace

// A statement's answer, as the coroutine that sent it waits for it.
struct Pipeline::Answer {
  PGresult* result = nullptr;         // the statement's
  PGresult* prepare_error = nullptr;  // its Prepare's, when that failed
  std::optional<std::string> lost;    // why the connection broke before it came
  bool rolled_back = false;           // Commits mode: its batch failed
  bool done = false;
  std::function<void()> resume;  // set while the coroutine waits
  Answer() = default;
  Answer(const Answer&) = delete;
  Answer& operator=(const Answer&) = delete;
  ~Answer() {
    clear(result);
    clear(prepare_error);
  }
};

// The connection's socket as Asio waits on it (watch()); its end, with the
// event loop's, ends the pipeline.
struct Pipeline::Socket {
  Socket(std::shared_ptr<Pipeline> pipeline, asio::posix::stream_descriptor watched)
      : owner_alive(std::move(pipeline)), owner(*owner_alive), descriptor(std::move(watched)) {
    owner.socket_ = this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    owner.socket_ = nullptr;
    owner.broken_ = true;
    // The coroutines still waiting end with the event loop (their frames are
    // destroyed with what they wait on), never resumed.
    std::deque<Expected> abandoned = std::move(owner.expected_);
    owner.expected_.clear();
    for (auto& expected : abandoned) clear(expected.result);
    owner.batch_answers_.clear();
  }
  std::shared_ptr<Pipeline> owner_alive;  // for as long as read_loop() waits
  Pipeline& owner;
  asio::posix::stream_descriptor descriptor;
};

Pipeline::~Pipeline() {
  for (auto& expected : expected_) clear(expected.result);
  if (conn_) libpq().finish(conn_);
}

awaitable<std::shared_ptr<Pipeline>> Pipeline::open(const std::string& url, std::chrono::milliseconds connect_wait,
                                                    Mode mode) {
  using namespace asio::experimental::awaitable_operators;
  const ConnectionParameters parameters(url);
  auto pipeline = std::make_shared<Pipeline>(
      libpq().connect_start_params(ConnectionParameters::keywords(), parameters.values(), 1), mode);
  PGconn* conn = pipeline->conn_;
  if (!conn) throw lost("connecting: out of memory");
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer deadline(executor, connect_wait);
  // libpq's connection state machine: wait for what it asks, then poll again.
  for (PostgresPollingStatusType poll = PGRES_POLLING_WRITING; poll != PGRES_POLLING_OK;) {
    if (poll == PGRES_POLLING_FAILED || libpq().status(conn) == CONNECTION_BAD)
      throw lost("connecting: " + std::string(libpq().error_message(conn)));
    // A fresh wait each time: libpq may have opened another socket meanwhile.
    asio::posix::stream_descriptor socket = watch(executor, conn);
    const auto wait = poll == PGRES_POLLING_READING ? asio::posix::descriptor_base::wait_read
                                                    : asio::posix::descriptor_base::wait_write;
    bool timed_out = false;
    try {
      timed_out =
          (co_await (socket.async_wait(wait, use_awaitable) || deadline.async_wait(use_awaitable))).index() == 1;
    } catch (const boost::system::system_error& e) {
      throw lost(std::string("connecting: ") + e.what());
    }
    if (timed_out) throw lost("connecting: no answer within " + std::to_string(connect_wait.count()) + " ms");
    poll = libpq().connect_poll(conn);
  }
  if (libpq().set_nonblocking(conn, 1) != 0 || libpq().enter_pipeline_mode(conn) != 1)
    throw lost("entering pipeline mode: " + std::string(libpq().error_message(conn)));
  pipeline->executor_ = executor;
  for (const char* setting : kSessionSettings) {
    if (!libpq().send_query_params(conn, setting, 0, nullptr, nullptr, nullptr, nullptr, 0))
      throw lost(libpq().error_message(conn));
    pipeline->expected_.push_back({Expected::Kind::Setting, nullptr, {}, nullptr});
  }
  ++pipeline->unsynced_;
  asio::co_spawn(executor, read_loop(std::make_unique<Socket>(pipeline, watch(executor, conn))), asio::detached);
  pipeline->schedule_flush();
  co_return pipeline;
}

awaitable<Rows> Pipeline::exec(std::string_view sql, const Params& params) {
  for (int attempt = 0;; ++attempt) {
    if (broken_) throw lost("broken");
    auto answer = std::make_shared<Answer>();
    send(sql, params, answer, attempt > 0);
    if (!answer->done) {
      co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
          [&answer](auto handler) {
            auto waiting = std::make_shared<decltype(handler)>(std::move(handler));
            answer->resume = [waiting] {
              auto executor = asio::get_associated_executor(*waiting);
              asio::post(executor, std::move(*waiting));
            };
          },
          use_awaitable);
    }
    if (answer->lost) throw lost(*answer->lost);
    PGresult*& result = answer->prepare_error ? answer->prepare_error : answer->result;
    if (ask_again(*answer, result, attempt)) continue;
    try {
      check_result(conn_, result, sql);
    } catch (const PgError& e) {
      if (e.unavailable()) fail_all(e.what());  // the server is ending the connection: no more statements on it
      throw;
    }
    Rows rows(result);
    result = nullptr;
    co_return rows;
  }
}

bool Pipeline::ask_again(const Answer& answer, PGresult* result, int attempt) const {
  if (!result) return false;
  // Aborted (or, committing, rolled back) by another's failure: asked again
  // alone, where that cannot happen (but is an error anyway).
  const bool aborted = libpq().result_status(result) == PGRES_PIPELINE_ABORTED || answer.rolled_back;
  if (attempt == 0 && aborted) return true;
  if (mode_ == Mode::Reads || attempt + 1 >= kAttempts) return false;
  const char* sqlstate = libpq().result_error_field(result, PG_DIAG_SQLSTATE);
  return sqlstate && (std::string_view(sqlstate) == "40001" || std::string_view(sqlstate) == "40P01");
}

void Pipeline::send(std::string_view sql, const Params& params, const std::shared_ptr<Answer>& answer, bool alone) {
  if (alone && unsynced_ > 0) sync();
  auto it = prepared_.find(sql);
  std::string fresh;  // the name of a statement new to this pipeline ("": unnamed, not kept)
  if (it == prepared_.end()) {
    if (prepared_.size() < kMaxPreparedStatements) fresh = "q" + std::to_string(++names_given_);
    const std::string text(sql);
    if (!libpq().send_prepare(conn_, fresh.c_str(), text.c_str(), 0, nullptr)) {
      fail_all(libpq().error_message(conn_));
      throw lost("sending");
    }
    expected_.push_back({Expected::Kind::Prepare, answer, text, nullptr});
    if (!fresh.empty()) it = prepared_.emplace(text, fresh).first;
  }
  const char* name = it != prepared_.end() ? it->second.c_str() : fresh.c_str();
  const std::vector<const char*> values = params.pointers();
  if (!libpq().send_query_prepared(conn_, name, params.size(), values.data(), nullptr, nullptr, 0)) {
    fail_all(libpq().error_message(conn_));
    throw lost("sending");
  }
  expected_.push_back({Expected::Kind::Statement, answer, {}, nullptr});
  ++unsynced_;
  if (alone) sync();
  schedule_flush();
}

void Pipeline::sync() {
  if (!libpq().pipeline_sync(conn_)) {
    fail_all(libpq().error_message(conn_));
    return;
  }
  expected_.push_back({Expected::Kind::Sync, nullptr, {}, nullptr});
  unsynced_ = 0;
  ++syncs_in_flight_;
}

// Once per turn of the event loop: what the coroutines sent during the turn
// goes out in one write, ended by one Sync.
void Pipeline::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  asio::post(executor_, [self = shared_from_this()] { self->flush(); });
}

void Pipeline::flush() {
  flush_scheduled_ = false;
  if (broken_) return;
  // Commits mode: what comes while a batch is in flight waits for its Sync.
  if (unsynced_ > 0 && !(mode_ == Mode::Commits && syncs_in_flight_ > 0)) sync();
  const int flushed = libpq().flush(conn_);
  if (flushed < 0) return fail_all(libpq().error_message(conn_));
  // The socket's buffer is full: the rest when it has room (read_loop reads meanwhile).
  if (flushed == 1 && !waiting_to_write_ && socket_) {
    waiting_to_write_ = true;
    socket_->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                                   [self = shared_from_this()](boost::system::error_code error) {
                                     self->waiting_to_write_ = false;
                                     if (!error) self->flush();
                                   });
  }
}

awaitable<void> Pipeline::read_loop(std::unique_ptr<Socket> socket) {
  Pipeline* self = &socket->owner;
  while (!self->broken_) {
    boost::system::error_code error;
    co_await socket->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                                           asio::redirect_error(use_awaitable, error));
    if (error) {
      self->fail_all(error.message());
      break;
    }
    const bool read = libpq().consume_input(self->conn_) == 1;
    self->take_results();  // what came before the connection broke, if it did
    if (!read) self->fail_all(libpq().error_message(self->conn_));
  }
}

void Pipeline::take_results() {
  while (!expected_.empty() && !libpq().is_busy(conn_)) {
    Expected& expected = expected_.front();
    PGresult* result = libpq().get_result(conn_);
    if (expected.kind == Expected::Kind::Sync) {
      clear(result);  // PGRES_PIPELINE_SYNC, with no end after it
      expected_.pop_front();
      --syncs_in_flight_;
      if (mode_ == Mode::Commits) end_batch();
      continue;
    }
    if (result) {
      if (expected.result) clear(expected.result);  // one result per statement: keep the last
      expected.result = result;
      continue;
    }
    finish(expected);  // the end of the statement's results
    expected_.pop_front();
  }
}

void Pipeline::finish(Expected& expected) {
  switch (expected.kind) {
    case Expected::Kind::Setting: clear(expected.result); break;
    case Expected::Kind::Prepare:
      if (succeeded(expected.result)) {
        clear(expected.result);
      } else {
        prepared_.erase(expected.sql);  // prepared again next time
        expected.answer->prepare_error = std::exchange(expected.result, nullptr);
        batch_failed_ = true;
      }
      break;
    case Expected::Kind::Statement: {
      Answer& answer = *expected.answer;
      answer.result = std::exchange(expected.result, nullptr);
      if (mode_ == Mode::Commits) {  // handed out at the Sync
        batch_failed_ = batch_failed_ || !succeeded(answer.result);
        batch_answers_.push_back(expected.answer);
        break;
      }
      answer.done = true;
      if (answer.resume) std::exchange(answer.resume, nullptr)();
      break;
    }
    case Expected::Kind::Sync: break;
  }
}

void Pipeline::end_batch() {
  for (const auto& answer : std::exchange(batch_answers_, {})) {
    answer->rolled_back = batch_failed_ && succeeded(answer->result);  // by another's failure
    answer->done = true;
    if (answer->resume) std::exchange(answer->resume, nullptr)();
  }
  batch_failed_ = false;
  if (unsynced_ > 0) schedule_flush();
}

void Pipeline::fail_all(const std::string& why) {
  broken_ = true;
  std::deque<Expected> failed = std::move(expected_);
  expected_.clear();
  std::vector<std::shared_ptr<Answer>> answers = std::exchange(batch_answers_, {});  // never synced
  for (auto& expected : failed) {
    clear(expected.result);
    if (expected.kind == Expected::Kind::Statement) answers.push_back(expected.answer);
  }
  for (const auto& answer : answers) {
    answer->lost = why;
    answer->done = true;
    if (answer->resume) std::exchange(answer->resume, nullptr)();
  }
  if (socket_) socket_->descriptor.cancel();  // read_loop ends
}

awaitable<Rows> Pipelines::exec(std::string_view sql, const Params& params) {
  Thread* thread = nullptr;
  {
    std::lock_guard lock(mutex_);
    thread = &by_thread_[std::this_thread::get_id()];  // only this thread uses it; nodes never move
  }
  if (thread->slots.empty()) thread->slots.resize(per_thread_);
  // Round robin over the thread's connections.
  Slot& slot = thread->slots[thread->next++ % thread->slots.size()];
  while (!slot.pipeline || !slot.pipeline->usable()) {
    if (slot.opening) {
      const auto opening = slot.opening;  // cancelled once the opener is done
      boost::system::error_code ignored;
      co_await opening->async_wait(asio::redirect_error(use_awaitable, ignored));
      if (!slot.pipeline || !slot.pipeline->usable()) throw lost("could not connect");
      break;
    }
    slot.opening =
        std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    std::shared_ptr<Pipeline> opened;
    std::exception_ptr failed;
    try {
      opened = co_await Pipeline::open(url_, connect_wait_, mode_);
    } catch (...) {
      failed = std::current_exception();
    }
    slot.pipeline = std::move(opened);
    std::exchange(slot.opening, nullptr)->cancel();
    if (failed) std::rethrow_exception(failed);
  }
  const std::shared_ptr<Pipeline> pipeline = slot.pipeline;
  co_return co_await pipeline->exec(sql, params);
}

}  // namespace focusd::postgres
