// Work-order attachments: type sniffed from the bytes (image/*, application/pdf, video/*
// only), SHA-256 recorded, at most 50 MB each and 100 per work order, stored under
// <dataDir>/attachments/<tenant>/ and streamed back after the same read checks as the WO.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "domain/work_order_service.h"

namespace dcmms::domain {

constexpr size_t kMaxAttachmentBytes = 50u * 1024 * 1024;
constexpr int kMaxAttachmentsPerWorkOrder = 100;

// The MIME type the bytes really are ("" when unknown).
std::string sniffMime(std::string_view data);

class AttachmentService {
 public:
  AttachmentService(store::Database& db, const AuditLog& audit, const EventBus& bus, WorkOrderService& wos,
                    std::string dataDir);

  json::object upload(const RequestContext& ctx, const std::string& workOrderId, const std::string& fileName,
                      const std::string& declaredMime, std::string_view data, const std::string& attachmentType);
  struct FileRef {
    std::string path;
    std::string mimeType;
    std::string fileName;
  };
  FileRef open(const RequestContext& ctx, const std::string& attachmentId);
  json::array listFor(const RequestContext& ctx, const std::string& workOrderId);

 private:
  store::Database& db_;
  const AuditLog& audit_;
  const EventBus& bus_;
  WorkOrderService& wos_;
  std::string dataDir_;
};

}  // namespace dcmms::domain
