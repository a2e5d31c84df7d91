#include "store/postgres/libpq.h"

#include <dlfcn.h>

#include <string>

#include "store/postgres/connection.h"

namespace focusd::postgres {

namespace {

template <class F>
void bind(void* library, F& target, const char* name) {
  void* symbol = ::dlsym(library, name);
  if (!symbol) throw PgError("", false, std::string("libpq.so.5 has no ") + name);
  target = reinterpret_cast<F>(symbol);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): dlsym's contract
}

Libpq load() {
  // Never closed: connections may live until the process ends.
  void* library = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = ::dlerror();
    throw PgError("", false, std::string("cannot load libpq (Debian package libpq5): ") + (why ? why : "unknown"));
  }
  Libpq l{};
  bind(library, l.connectdb_params, "PQconnectdbParams");
  bind(library, l.status, "PQstatus");
  bind(library, l.error_message, "PQerrorMessage");
  bind(library, l.finish, "PQfinish");
  bind(library, l.prepare, "PQprepare");
  bind(library, l.exec_prepared, "PQexecPrepared");
  bind(library, l.exec, "PQexec");
  bind(library, l.result_status, "PQresultStatus");
  bind(library, l.result_error_field, "PQresultErrorField");
  bind(library, l.clear, "PQclear");
  bind(library, l.ntuples, "PQntuples");
  bind(library, l.getvalue, "PQgetvalue");
  bind(library, l.getlength, "PQgetlength");
  bind(library, l.getisnull, "PQgetisnull");
  bind(library, l.cmd_tuples, "PQcmdTuples");
  bind(library, l.transaction_status, "PQtransactionStatus");
  bind(library, l.connect_start_params, "PQconnectStartParams");
  bind(library, l.connect_poll, "PQconnectPoll");
  bind(library, l.socket, "PQsocket");
  bind(library, l.set_nonblocking, "PQsetnonblocking");
  bind(library, l.enter_pipeline_mode, "PQenterPipelineMode");
  bind(library, l.exit_pipeline_mode, "PQexitPipelineMode");
  bind(library, l.send_prepare, "PQsendPrepare");
  bind(library, l.send_query_prepared, "PQsendQueryPrepared");
  bind(library, l.send_query_params, "PQsendQueryParams");
  bind(library, l.pipeline_sync, "PQpipelineSync");
  bind(library, l.flush, "PQflush");
  bind(library, l.consume_input, "PQconsumeInput");
  bind(library, l.is_busy, "PQisBusy");
  bind(library, l.get_result, "PQgetResult");
  return l;
}

}  // namespace

const Libpq& libpq() {
  static const Libpq kLibpq = load();  // a failed load throws, and the next call tries again
  return kLibpq;
}

}  // namespace focusd::postgres
