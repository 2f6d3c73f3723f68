#include "domain/descriptors.h"

namespace dcmms::domain {

namespace {
// Audit columns every entity table has.
std::vector<FieldColumn> withBase(std::vector<FieldColumn> cols) {
  cols.push_back({"createdAt", "created_at", ColType::Time});
  cols.push_back({"updatedAt", "updated_at", ColType::Time});
  cols.push_back({"createdBy", "created_by"});
  cols.push_back({"updatedBy", "updated_by"});
  return cols;
}
}  // namespace

const EntityDescriptor& siteDescriptor() {
  static const EntityDescriptor d{"sites", "site", "siteId",
                                  withBase({{"name", "name"}, {"type", "type"}, {"status", "status"}}),
                                  {},
                                  {"location", "capacity", "capacityMw", "grid", "compliance", "contacts", "version",
                                   "description", "timezone"}};
  return d;
}

const EntityDescriptor& zoneDescriptor() {
  static const EntityDescriptor d{"zones", "zone", "zoneId", withBase({{"siteId", "site_id"}, {"name", "name"}}), {},
                                  {"description", "version"}};
  return d;
}

const EntityDescriptor& assetDescriptor() {
  static const EntityDescriptor d{
      "assets",
      "asset",
      "assetId",
      withBase({{"siteId", "site_id"},
                {"zoneId", "zone_id"},
                {"parentAssetId", "parent_asset_id"},
                {"type", "type"},
                {"category", "category"},
                {"status", "status"},
                {"name", "name"}}),
      {"site", "parentAsset", "childAssets"},
      {"manufacturer", "model", "serialNumber", "commissionDate", "warrantyExpiry", "specifications", "compliance",
       "location", "maintenance", "tags", "version", "description"}};
  return d;
}

const EntityDescriptor& userDescriptor() {
  static const EntityDescriptor d{"users", "user", "userId",
                                  withBase({{"email", "email"},
                                            {"role", "role"},
                                            {"status", "status"},
                                            {"name", "name"},
                                            {"siteIds", "site_ids", ColType::CsvMember, true, false},
                                            {"siteId", "site_ids", ColType::CsvMember, true, false}}),
                                  {},
                                  {"firstName", "lastName", "siteIds", "skills", "certifications", "phone",
                                   "employmentType", "contractorId", "organization", "supervisor", "contractStart",
                                   "contractEnd", "mfaEnabled", "version", "active"}};
  return d;
}

const EntityDescriptor& crewDescriptor() {
  static const EntityDescriptor d{"crews", "crew", "crewId", withBase({{"siteId", "site_id"}, {"name", "name"}}), {},
                                  {"members", "leadUserId", "skills", "version"}};
  return d;
}

const EntityDescriptor& workOrderDescriptor() {
  static const EntityDescriptor d{
      "work_orders",
      "work-order",
      "workOrderId",
      withBase({{"siteId", "site_id"},
                {"assetId", "asset_id"},
                {"status", "status"},
                {"priority", "priority", ColType::Text, true, true, "priority_rank"},
                {"type", "type"},
                {"title", "title"},
                {"assignedTo", "assigned_to"},
                {"scheduledStart", "scheduled_start", ColType::Time},
                {"scheduledEnd", "scheduled_end", ColType::Time}}),
      {"asset", "assignedUser", "tasks", "attachments", "site"},
      {"description", "assignedAt", "actualStart", "actualEnd", "estimatedDurationMinutes", "actualDurationMinutes",
       "estimatedCost", "verifiedBy", "verifiedAt", "closedBy", "closedAt", "signature", "totalCost", "downtimeMinutes",
       "productionLossMwh", "skills", "requiredPpe", "tags", "relatedWorkOrders", "customFields", "safetyNotes",
       "rootCause", "preventiveActions", "completionNotes", "tasks", "permits", "partsRequired", "partsUsed",
       "laborRecords", "attachments", "measurements", "costRecords", "sla", "automationMetadata", "syncState",
       "geotagData", "submittedAt", "submittedBy", "approvedAt", "approvedBy", "rejectedAt", "rejectedBy",
       "rejectionReason", "onHoldAt", "onHoldBy", "onHoldReason", "resumedAt", "reopenedAt", "reopenedBy",
       "reopenReason", "cancelledAt", "cancelledBy", "cancellationReason", "executedBy", "version"}};
  return d;
}

}  // namespace dcmms::domain
