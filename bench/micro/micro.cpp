// Micro-benchmarks (Google Benchmark) of the pieces on focusd's hot paths:
// rendering a project and a page of time entries as JSON, route lookup, and
// scanning a multipart body.
//
//   build/bench/focusd-micro [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <boost/json/serialize.hpp>
#include <random>
#include <string>

#include "api/project_json.h"
#include "api/routes.h"
#include "api/time_entry_views.h"
#include "multipart/multipart.h"

namespace {

using namespace focusd;

ProjectRecord sample_project() {
  ProjectRecord p;
  p.id = 123456;
  p.workspace_id = 1;
  p.fields.name = "Website relaunch 2026";
  p.fields.client_id = 42;
  p.client_name = "Acme Corporation";
  p.fields.color = "#0b83d9";
  p.fields.description = "Redesign and relaunch of the public website";
  p.fields.start_date = "2026-01-05";
  p.fields.end_date = "2026-12-18";
  p.fields.estimated_mins = 24000;
  p.fields.fixed_fee = FixedFee{12500.0, "EUR"};
  p.creator_id = 7;
  p.created_at = "2026-01-05T09:30:00Z";
  p.updated_at = "2026-11-20T16:02:11Z";
  p.tags = {CatalogItem{.id = 3, .workspace_id = 1, .name = "web"},
            CatalogItem{.id = 9, .workspace_id = 1, .name = "priority"}};
  p.fields.tag_ids = {3, 9};
  p.viewer_role = ProjectRole::Manager;
  return p;
}

// One project, from record to the bytes of a GET response body.
void BM_RenderProject(benchmark::State& state) {
  const ProjectRecord p = sample_project();
  const WorkspaceAccess access{.organization_id = 1, .workspace_id = 1, .user_id = 7, .role = OrgRole::Owner};
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body;
    api::JsonWriter w(body);
    api::handlers::write_project(w, p, access);
    bytes += body.size();
    benchmark::DoNotOptimize(body);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_RenderProject);

// A page of 50 projects, as a list response renders it.
void BM_RenderProjectPage50(benchmark::State& state) {
  const ProjectRecord p = sample_project();
  const WorkspaceAccess access{.organization_id = 1, .workspace_id = 1, .user_id = 7, .role = OrgRole::Owner};
  for (auto _ : state) {
    std::string body;
    api::JsonWriter w(body);
    w.begin_object().key("data").begin_array();
    for (int i = 0; i < 50; ++i) api::handlers::write_project(w, p, access);
    w.end_array().key("total").number(1000).end_object();
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(state.iterations() * 50);
}
BENCHMARK(BM_RenderProjectPage50);

// A page of 50 stopped time entries without task, project or tags, as the
// range list renders them (bench/run's time-entries row).
void BM_RenderTimeEntryPage50(benchmark::State& state) {
  TimeEntryRecord e;
  e.id = 1000042;
  e.workspace_id = 1;
  e.user_id = 1;
  e.fields.start = "2027-05-16T09:36:00Z";
  e.fields.stop = "2027-05-16T10:36:00Z";
  e.created_at = e.updated_at = "2027-05-16T09:36:00Z";
  for (auto _ : state) {
    std::string body;
    body.reserve(512 * 51);
    api::JsonWriter w(body);
    w.begin_object().key("data").begin_array();
    for (int i = 0; i < 50; ++i) api::handlers::write_entry(w, e);
    w.end_array().key("page").number(2).key("per_page").number(50).end_object();
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(state.iterations() * 50);
}
BENCHMARK(BM_RenderTimeEntryPage50);

// The route of GET project by id, among every route focusd serves.
void BM_RouteLookupProject(benchmark::State& state) {
  const api::Router router(api::route_table());
  for (auto _ : state) {
    auto found = router.lookup(boost::beast::http::verb::get, "/api/organizations/1/workspaces/1/projects/123456");
    benchmark::DoNotOptimize(found.route);
  }
}
BENCHMARK(BM_RouteLookupProject);

// The deepest route: view of a task attachment.
void BM_RouteLookupAttachmentView(benchmark::State& state) {
  const api::Router router(api::route_table());
  for (auto _ : state) {
    auto found = router.lookup(boost::beast::http::verb::get,
                               "/api/organizations/1/workspaces/1/tasks/99/attachments/1234/view");
    benchmark::DoNotOptimize(found.route);
  }
}
BENCHMARK(BM_RouteLookupAttachmentView);

class CountingHandler final : public multipart::Handler {
 public:
  Status on_part_begin(const multipart::PartHeaders&) override { return Ok{}; }
  Status on_part_data(std::string_view data) override {
    bytes += data.size();
    return Ok{};
  }
  Status on_part_end() override { return Ok{}; }
  std::size_t bytes = 0;
};

// A 4 MiB file part of random bytes, fed in pieces of state.range(0) bytes
// (256 KiB is what the server reads at a time).
void BM_MultipartScan(benchmark::State& state) {
  const std::string boundary = "------------------------focusdbench0123456789";
  std::string file(4 << 20, '\0');
  std::mt19937_64 random(42);
  for (auto& c : file) c = static_cast<char>(random());
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
                           "Content-Type: application/octet-stream\r\n\r\n" +
                           file + "\r\n--" + boundary + "--\r\n";
  const auto piece = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    CountingHandler handler;
    multipart::Parser parser(boundary, multipart::Limits{}, handler);
    for (std::size_t at = 0; at < body.size(); at += piece) {
      if (!parser.feed(std::string_view(body).substr(at, piece))) state.SkipWithError("parse failed");
    }
    if (!parser.finish() || handler.bytes != file.size()) state.SkipWithError("parse failed");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_MultipartScan)->Arg(16 << 10)->Arg(256 << 10);

}  // namespace

BENCHMARK_MAIN();
