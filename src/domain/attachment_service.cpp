#include "domain/attachment_service.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "auth/crypto.h"
#include "core/ids.h"
#include "core/time_format.h"
#include "domain/access.h"

namespace dcmms::domain {

namespace fs = std::filesystem;

std::string sniffMime(std::string_view d) {
  auto starts = [&](std::string_view magic, size_t at = 0) { return d.size() >= at + magic.size() && d.substr(at, magic.size()) == magic; };
  if (starts("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (starts("RIFF") && starts("WEBP", 8)) return "image/webp";
  if (starts("RIFF") && starts("AVI ", 8)) return "video/x-msvideo";
  if (starts("%PDF-")) return "application/pdf";
  if (starts("\x1A\x45\xDF\xA3")) return "video/webm";
  if (starts("ftyp", 4)) {
    if (starts("heic", 8) || starts("heix", 8) || starts("mif1", 8)) return "image/heic";
    if (starts("qt  ", 8)) return "video/quicktime";
    return "video/mp4";
  }
  if (starts("II*\0", 0) || starts("MM\0*", 0)) return "image/tiff";
  if (starts("MZ")) return "application/x-msdownload";
  if (starts("\x7F" "ELF")) return "application/x-executable";
  return "";
}

namespace {

bool allowedMime(std::string_view m) {
  return m.starts_with("image/") || m.starts_with("video/") || m == "application/pdf";
}

std::string mimeClass(std::string_view m) { return std::string(m.substr(0, m.find('/'))); }

void writeDurably(const fs::path& path, std::string_view data) {
  const fs::path tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail(Error::internal("cannot store attachment"));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n <= 0) {
      ::close(fd);
      fs::remove(tmp);
      fail(Error::internal("cannot store attachment"));
    }
    off += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  fs::rename(tmp, path);
}

}  // namespace

AttachmentService::AttachmentService(store::Database& db, const AuditLog& audit, const EventBus& bus,
                                     WorkOrderService& wos, std::string dataDir)
    : db_(db), audit_(audit), bus_(bus), wos_(wos), dataDir_(std::move(dataDir)) {}

json::object AttachmentService::upload(const RequestContext& ctx, const std::string& woId, const std::string& fileName,
                                       const std::string& declaredMime, std::string_view data,
                                       const std::string& attachmentType) {
  Loaded wo = wos_.get(ctx, woId);
  requirePermission(ctx, "create:attachments", {str(wo.doc, "siteId"), str(wo.doc, "assignedTo")});
  const std::string status = str(wo.doc, "status");
  if (status == "closed" || status == "cancelled")
    fail(Error::business("INVALID_STATE_TRANSITION", "The work order is " + status + "; attachments are frozen"));
  if (data.size() > kMaxAttachmentBytes)
    fail(Error{413, "PAYLOAD_TOO_LARGE", "Attachments are limited to 50 MB", {{"file", "larger than 50 MB", "FILE_TOO_LARGE"}}});
  if (data.empty()) fail(Error::business("VALIDATION_ERROR", "The file is empty", {{"file", "is empty", "INVALID_FIELD_VALUE"}}));
  const std::string sniffed = sniffMime(data);
  if (!allowedMime(declaredMime) || (!sniffed.empty() && !allowedMime(sniffed)))
    fail(Error::business("VALIDATION_ERROR", "Only images, PDF documents and videos may be attached",
                         {{"file", "type '" + (sniffed.empty() ? declaredMime : sniffed) + "' is not allowed", "UNSUPPORTED_MEDIA_TYPE"}}));
  if (sniffed.empty() || mimeClass(sniffed) != mimeClass(declaredMime))
    fail(Error::business("VALIDATION_ERROR", "The file content does not match its declared type",
                         {{"file", "content is not " + declaredMime, "UNSUPPORTED_MEDIA_TYPE"}}));
  std::string safeName;
  for (char ch : fileName.substr(0, 200))
    safeName.push_back(ch == '/' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20 ? '_' : ch);
  if (safeName.empty()) safeName = "file";
  const std::string id = "ATT-" + newUuid();
  const fs::path dir = fs::path(dataDir_) / "attachments" / ctx.tenantId();
  fs::create_directories(dir);
  const fs::path path = dir / id;
  const std::string sha = auth::sha256Hex(data);
  auto& c = db_.connection();
  {
    store::Transaction tx(c);
    auto count = c.queryInt("SELECT COUNT(*) FROM attachments WHERE tenant_id = ? AND work_order_id = ? AND deleted_at IS NULL",
                            {ctx.tenantId(), woId});
    if (count.value_or(0) >= kMaxAttachmentsPerWorkOrder)
      fail(Error::business("VALIDATION_ERROR", "A work order holds at most 100 attachments",
                           {{"file", "attachment limit (100) reached", "TOO_MANY_ATTACHMENTS"}}));
    writeDurably(path, data);
    c.exec("INSERT INTO attachments (tenant_id, id, work_order_id, site_id, file_name, mime_type, file_size, sha256, "
           "storage_path, attachment_type, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {ctx.tenantId(), id, woId, str(wo.doc, "siteId"), safeName, sniffed, static_cast<int64_t>(data.size()), sha,
            path.string(), attachmentType.empty() ? "other" : attachmentType, ctx.userId(), ctx.now});
    json::object meta{{"attachmentId", id}, {"fileName", safeName}, {"mimeType", sniffed}, {"sha256", sha},
                      {"fileSize", static_cast<int64_t>(data.size())}};
    audit_.record(c, ctx, {"work-order", woId, "add-attachment", "", "", "", "", json::serialize(meta)});
    tx.commit();
  }
  json::object out{{"attachmentId", id},
                   {"workOrderId", woId},
                   {"fileName", safeName},
                   {"fileSize", static_cast<int64_t>(data.size())},
                   {"mimeType", sniffed},
                   {"sha256", sha},
                   {"attachmentType", attachmentType.empty() ? "other" : attachmentType},
                   {"url", "/api/v1/attachments/" + id},
                   {"uploadedAt", formatIso8601(ctx.now)},
                   {"uploadedBy", ctx.userId()}};
  bus_.publish(makeEvent(ctx, "AttachmentAdded", str(wo.doc, "siteId"), out));
  return out;
}

AttachmentService::FileRef AttachmentService::open(const RequestContext& ctx, const std::string& id) {
  struct Row {
    std::string wo, path, mime, name;
  };
  auto row = db_.connection().queryOne(
      "SELECT work_order_id, storage_path, mime_type, file_name FROM attachments WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
      {ctx.tenantId(), id}, [](const store::Row& r) { return Row{r.getString(0), r.getString(1), r.getString(2), r.getString(3)}; });
  if (!row) fail(Error::notFound("Attachment '" + id + "'"));
  wos_.get(ctx, row->wo);  // same read rules as the work order
  return {row->path, row->mime, row->name};
}

json::array AttachmentService::listFor(const RequestContext& ctx, const std::string& woId) {
  wos_.get(ctx, woId);
  json::array out;
  db_.connection().query(
      "SELECT id, file_name, file_size, mime_type, sha256, attachment_type, uploaded_by, uploaded_at FROM attachments "
      "WHERE tenant_id = ? AND work_order_id = ? AND deleted_at IS NULL ORDER BY uploaded_at",
      {ctx.tenantId(), woId}, [&](const store::Row& r) {
        out.push_back(json::object{{"attachmentId", r.getString(0)}, {"fileName", r.getString(1)},
                                   {"fileSize", r.getInt(2)},        {"mimeType", r.getString(3)},
                                   {"sha256", r.getString(4)},       {"attachmentType", r.getString(5)},
                                   {"uploadedBy", r.getString(6)},   {"uploadedAt", formatIso8601(r.getInt(7))},
                                   {"url", "/api/v1/attachments/" + r.getString(0)}});
      });
  return out;
}

}  // namespace dcmms::domain
