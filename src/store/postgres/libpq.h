#pragma once
// libpq, loaded (dlopen) the first time a PostgreSQL connection is made, not
// when focusd starts: a focusd on SQLite never maps it and the twenty
// libraries it brings (Kerberos, LDAP, GnuTLS…), which cost an idle server
// about 5 MiB of memory. libpq-fe.h declares the types and functions; calls go
// through the pointers of this table, each the address of the function it names.

#include <libpq-fe.h>

namespace focusd::postgres {

struct Libpq {
  decltype(&::PQconnectdbParams) connectdb_params;
  decltype(&::PQstatus) status;
  decltype(&::PQerrorMessage) error_message;
  decltype(&::PQfinish) finish;
  decltype(&::PQprepare) prepare;
  decltype(&::PQexecPrepared) exec_prepared;
  decltype(&::PQexec) exec;
  decltype(&::PQresultStatus) result_status;
  decltype(&::PQresultErrorField) result_error_field;
  decltype(&::PQclear) clear;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQgetlength) getlength;
  decltype(&::PQgetisnull) getisnull;
  decltype(&::PQcmdTuples) cmd_tuples;
  decltype(&::PQtransactionStatus) transaction_status;
  // Non-blocking connections in pipeline mode (store/postgres/pipeline.h).
  decltype(&::PQconnectStartParams) connect_start_params;
  decltype(&::PQconnectPoll) connect_poll;
  decltype(&::PQsocket) socket;
  decltype(&::PQsetnonblocking) set_nonblocking;
  decltype(&::PQenterPipelineMode) enter_pipeline_mode;
  decltype(&::PQexitPipelineMode) exit_pipeline_mode;
  decltype(&::PQsendPrepare) send_prepare;
  decltype(&::PQsendQueryPrepared) send_query_prepared;
  decltype(&::PQsendQueryParams) send_query_params;
  decltype(&::PQpipelineSync) pipeline_sync;
  decltype(&::PQflush) flush;
  decltype(&::PQconsumeInput) consume_input;
  decltype(&::PQisBusy) is_busy;
  decltype(&::PQgetResult) get_result;
};

// The table, libpq loaded on the first call. Throws PgError when libpq.so.5
// cannot be loaded (libpq5 not installed) or lacks a function.
const Libpq& libpq();

}  // namespace focusd::postgres
