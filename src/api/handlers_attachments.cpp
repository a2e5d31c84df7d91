// Attachments of projects and tasks: the six operations for both parent kinds
// (the kind is a parameter, not a copy) and …/attachments/storage.
//
// A create streams each file part into a blob staging (a temp file hashed as
// it is written) while the body arrives; attachments::Service then makes the
// files durable and creates the rows (see attachments/attachments.h for the
// lifecycle and what a crash leaves).
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/errors.h"
#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "api/upload_form.h"
#include "attachments/attachments.h"
#include "blob/mime.h"
#include "common/strings.h"
#include "domain/attachment_input.h"
#include "domain/task_access.h"
#include "http_semantics/semantics.h"

namespace focusd::api::handlers {

namespace {

// The project or task of the path, as the caller sees it.
struct Parent {
  ParentKind kind = ParentKind::Project;
  std::int64_t id = 0;
  std::int64_t workspace_id = 0;
  bool may_attach = false;  // add attachments
  bool may_manage = false;  // update and delete attachments
};

awaitable<Result<Parent>> load_parent(Call& call, ParentKind kind) {
  if (kind == ParentKind::Project) {
    FOCUSD_CO_TRY(loaded, co_await load_project(call));
    const bool attach = require_project(loaded, domain::ProjectAction::AttachFiles).ok();
    const bool manage = require_project(loaded, domain::ProjectAction::ManageAttachments).ok();
    co_return Parent{kind, loaded.project.id, loaded.access.workspace_id, attach, manage};
  }
  FOCUSD_CO_TRY(loaded, co_await load_task(call));
  const bool edit = domain::may_edit_task(domain::viewer_of(loaded.access), loaded.task);
  co_return Parent{kind, loaded.task.id, loaded.access.workspace_id, edit, edit};
}

Status require_attach(const Parent& parent) {
  if (parent.may_attach) return Ok{};
  return make_error(ErrorCode::Forbidden, parent.kind == ParentKind::Project
                                              ? "you may not attach files to this project"
                                              : "you may not change this task's attachments");
}

Status require_manage(const Parent& parent) {
  if (parent.may_manage) return Ok{};
  return make_error(ErrorCode::Forbidden, parent.kind == ParentKind::Project
                                              ? "only the project's managers may change or delete its attachments"
                                              : "you may not change this task's attachments");
}

// models.ProjectAttachment / models.TaskAttachment.
boost::json::object attachment_json(const AttachmentRecord& a) {
  boost::json::object o;
  o["id"] = a.id;
  o[a.parent_kind == ParentKind::Project ? "project_id" : "task_id"] = a.parent_id;
  o["name"] = a.name;
  o["mime_type"] = a.mime_type;
  o["size"] = a.size;
  o["display_order"] = json_number(a.display_order);
  o["created_at"] = a.created_at.view();
  o["updated_at"] = a.updated_at.view();
  o["deleted_at"] = json_or_null(a.deleted_at);
  return o;
}

// Reads the whole multipart body into `form`, feeding the parser (and so the
// hashing and the blob store's writes) on the blob pool a piece at a time.
// While the pool works on one piece, the next is read from the socket: the
// network and the store work at the same time.
awaitable<Status> read_form(Call& call, multipart::Parser& parser, UploadForm& form) {
  if (!call.body) co_return internal_error("upload route without a body reader");
  using boost::asio::experimental::awaitable_operators::operator&&;
  std::string_view current;
  // Both wrap their results in optional: parallel awaits need default-constructible results.
  auto feed = [&]() -> awaitable<std::optional<Status>> {
    co_return co_await offload(call.services.blob_work, [&] { return parser.feed(current); });
  };
  auto read_next = [&]() -> awaitable<std::optional<Result<std::string_view>>> {
    co_return co_await call.body->read();
  };
  auto piece = co_await call.body->read();
  for (;;) {
    if (!piece) co_return piece.error();
    if (piece->empty()) break;
    current = *piece;
    form.body_left(call.body->left());  // before the next read: after `current`
    auto feeding = feed();              // named: see common/offload.h on temporaries in co_await
    auto reading = read_next();
    auto both = std::move(feeding) && std::move(reading);
    auto [fed, next] = co_await std::move(both);
    if (!*fed) co_return fed->error();
    piece = std::move(*next);
  }
  co_return parser.finish();
}

awaitable<Result<Reply>> create(Call& call, ParentKind kind, bool bulk) {
  FOCUSD_CO_TRY(parent, co_await load_parent(call, kind));
  FOCUSD_CO_CHECK(require_attach(parent));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(boundary, multipart::boundary_of(call.request[http::field::content_type]));

  const Config& config = call.services.config;
  const multipart::Limits parts{.max_part_header_bytes = config.max_part_header_bytes,
                                .max_parts = 3 * config.max_bulk_files + 8};
  UploadForm form(
      call.services.blobs, bulk ? "files" : "file",
      bulk ? std::vector<std::string>{"names", "display_orders"} : std::vector<std::string>{"name", "display_order"},
      UploadLimits{bulk ? config.max_bulk_files : 1, config.max_upload_file_bytes, parts});
  multipart::Parser parser(boundary, parts, form);
  form.parsed_by(parser);
  FOCUSD_CO_CHECK(co_await read_form(call, parser, form));

  FOCUSD_CO_TRY(uploads, bulk ? bulk_uploads(form, query, config.max_bulk_files) : single_upload(form, query));
  auto created = co_await offload(call.services.blob_work, [&] {
    return call.services.attachments.create(kind, parent.id, parent.workspace_id, uploads);
  });
  if (!created) co_return created.error();
  if (!bulk) co_return json_response(http::status::created, attachment_json(created->front()));
  boost::json::array items;
  for (const auto& a : *created) items.push_back(attachment_json(a));
  co_return json_response(http::status::created, items);
}

awaitable<Result<Reply>> list(Call& call, ParentKind kind) {
  FOCUSD_CO_TRY(parent, co_await load_parent(call, kind));
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(order, query.order_by({"display_order", "created_at", "name"}));
  FOCUSD_CO_TRY(found, co_await in_store(call, [&](Store& s) { return s.list_attachments(kind, parent.id, order); }));
  boost::json::array items;
  for (const auto& a : found) items.push_back(attachment_json(a));
  co_return json_response(http::status::ok, items);
}

awaitable<Result<Reply>> update(Call& call, ParentKind kind) {
  FOCUSD_CO_TRY(parent, co_await load_parent(call, kind));
  const std::int64_t id = call.params.get(PathId::Attachment);
  FOCUSD_CO_CHECK(co_await in_store_write(call, [&](Store& s) { return s.find_attachment(kind, parent.id, id); }));
  FOCUSD_CO_CHECK(require_manage(parent));

  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(patch, domain::read_attachment_patch(body));
  auto updated = co_await in_store(
      call, [&](Store& s) { return s.update_attachment(kind, parent.id, id, patch.name, patch.display_order); });
  if (!updated) co_return updated.error();
  co_return no_content();
}

awaitable<Result<Reply>> remove(Call& call, ParentKind kind) {
  FOCUSD_CO_TRY(parent, co_await load_parent(call, kind));
  const std::int64_t id = call.params.get(PathId::Attachment);
  FOCUSD_CO_CHECK(co_await in_store(call, [&](Store& s) { return s.find_attachment(kind, parent.id, id); }));
  FOCUSD_CO_CHECK(require_manage(parent));
  auto deleted =
      co_await offload(call.services.blob_work, [&] { return call.services.attachments.remove(kind, parent.id, id); });
  if (!deleted) co_return deleted.error();
  co_return no_content();
}

// --- view ---------------------------------------------------------------------

// Types a browser shows without running anything: images (not SVG), audio,
// video, PDF, plain text and CSV. Everything else, HTML, SVG, XML, scripts
// and unknown types included, is served as a download.
bool shown_inline(std::string_view mime_type) {
  if (blob::is_active_content(mime_type)) return false;
  for (std::string_view family : {"image/", "audio/", "video/"}) {
    if (mime_type.starts_with(family)) return true;
  }
  return mime_type == "application/pdf" || mime_type == "text/plain" || mime_type == "text/csv";
}

awaitable<Result<Reply>> view(Call& call, ParentKind kind) {
  FOCUSD_CO_TRY(parent, co_await load_parent(call, kind));
  const std::int64_t id = call.params.get(PathId::Attachment);
  FOCUSD_CO_TRY(found, co_await in_store(call, [&](Store& s) { return s.find_attachment(kind, parent.id, id); }));
  const AttachmentRecord& a = found;
  if (http_semantics::wants_json(call.request[http::field::accept], a.mime_type)) {
    Response res = json_response(http::status::ok, attachment_json(a));
    res.set(http::field::vary, "Accept");
    co_return res;
  }

  const std::string etag = "\"" + a.sha256 + "\"";
  Response res;
  res.set(http::field::etag, etag);
  res.set(http::field::vary, "Accept");
  res.set(http::field::cache_control, "private");
  if (http_semantics::matches_etag(call.request[http::field::if_none_match], etag)) {
    res.result(http::status::not_modified);
    co_return res;
  }
  const auto size = static_cast<std::uint64_t>(a.size);
  http_semantics::RangeAsk ask = http_semantics::range_of(call.request[http::field::range], size);
  const auto if_range = call.request[http::field::if_range];
  if (!if_range.empty() && if_range != etag) ask = {};
  const http_semantics::ByteRange range =
      ask.kind == http_semantics::RangeAsk::Kind::Part ? ask.range : http_semantics::ByteRange{0, size};
  // The blob is opened now: should the attachment be deleted while it is
  // sent, the source still reads the whole of it (blob/blob_store.h).
  auto opened = co_await offload(call.services.blob_work, [&]() -> Result<ByteSource> {
    auto source = call.services.blobs.open(a.blob_name(), blob::ReadRange{range.first, range.length});
    if (source) return source;
    if (source.error().code == ErrorCode::Unavailable) return source.error();  // the store is away: 503, try again
    // Deleted (and its bytes reclaimed) since it was found: gone, not broken.
    auto still = call.services.store.find_attachment(kind, parent.id, id);
    if (!still) return still.error();
    const Error& error = source.error();
    return internal_error("the bytes of attachment " + std::to_string(a.id) + " cannot be read (" +
                          (error.detail.empty() ? error.description : error.detail) + "; run fsck)");
  });
  if (!opened) co_return opened.error();

  res.set(http::field::accept_ranges, "bytes");
  if (ask.kind == http_semantics::RangeAsk::Kind::Unsatisfiable) {
    Response refused =
        error_response(make_error(ErrorCode::RangeNotSatisfiable,
                                  "the range asks for bytes outside the file's " + std::to_string(size) + " bytes"),
                       call.request_id);
    refused.set(http::field::content_range, "bytes */" + std::to_string(size));
    refused.set(http::field::accept_ranges, "bytes");
    refused.set(http::field::vary, "Accept");
    co_return refused;
  }
  res.set(http::field::content_type, a.mime_type);
  res.set(http::field::content_disposition,
          http_semantics::content_disposition(shown_inline(a.mime_type) ? "inline" : "attachment", a.name));
  res.set("X-Content-Type-Options", "nosniff");
  if (ask.kind == http_semantics::RangeAsk::Kind::Part) {
    res.result(http::status::partial_content);
    res.set(http::field::content_range, "bytes " + std::to_string(range.first) + "-" +
                                            std::to_string(range.first + range.length - 1) + "/" +
                                            std::to_string(size));
  } else {
    res.result(http::status::ok);
  }
  Reply reply(std::move(res), std::move(opened.value()));
  reply.body_pool = &call.services.blob_work;
  co_return reply;
}

}  // namespace

awaitable<Result<Reply>> list_project_attachments(Call& call) {
  return list(call, ParentKind::Project);
}
awaitable<Result<Reply>> create_project_attachment(Call& call) {
  return create(call, ParentKind::Project, false);
}
awaitable<Result<Reply>> bulk_create_project_attachments(Call& call) {
  return create(call, ParentKind::Project, true);
}
awaitable<Result<Reply>> update_project_attachment(Call& call) {
  return update(call, ParentKind::Project);
}
awaitable<Result<Reply>> delete_project_attachment(Call& call) {
  return remove(call, ParentKind::Project);
}
awaitable<Result<Reply>> view_project_attachment(Call& call) {
  return view(call, ParentKind::Project);
}
awaitable<Result<Reply>> list_task_attachments(Call& call) {
  return list(call, ParentKind::Task);
}
awaitable<Result<Reply>> create_task_attachment(Call& call) {
  return create(call, ParentKind::Task, false);
}
awaitable<Result<Reply>> bulk_create_task_attachments(Call& call) {
  return create(call, ParentKind::Task, true);
}
awaitable<Result<Reply>> update_task_attachment(Call& call) {
  return update(call, ParentKind::Task);
}
awaitable<Result<Reply>> delete_task_attachment(Call& call) {
  return remove(call, ParentKind::Task);
}
awaitable<Result<Reply>> view_task_attachment(Call& call) {
  return view(call, ParentKind::Task);
}

// attachmentstorage.Usage: the sum of the workspace's live attachments and the
// configured limit (enforced when there is one); `disk` adds the state of the
// server's disk: ok, low (uploads refused) or full (only deletes accepted).
awaitable<Result<Reply>> attachment_storage(Call& call) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  FOCUSD_CO_TRY(used, co_await in_store(call, [&](Store& s) { return s.storage_used(access.workspace_id); }));
  const std::int64_t limit = call.services.config.attachment_quota_bytes;
  co_return json_response(http::status::ok,
                          boost::json::object{{"enforced", limit > 0},
                                              {"limit_bytes", limit},
                                              {"used_bytes", used},
                                              {"disk", blob::DiskSpace::name(call.services.disk.state())}});
}

}  // namespace focusd::api::handlers
