// Authorisation: role → permission → scope, as data (the matrix in roles.cpp transcribes
// 01 §6.1), evaluated with the ABAC rules of 01 §5: any matching deny wins, then a matching
// allow, otherwise deny. Pure functions over immutable tables; thread-safe.
//
// Permissions are "<action>:<resource>" strings, e.g. "create:work-orders", "read:costs",
// "issue-permit:loto". A grant "<action>:*" covers every resource for that action and "*"
// everything (system-administrator).
//
// Checks come at two levels. Without a target (ResourceCtx with no siteId/resourceId/ownerId)
// authorize answers "may this user do X at all" and returns the scope and constraints the
// caller must apply as list filters. With a target, every scope and constraint is checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "core/error.h"

namespace dcmms::auth {

namespace jwt {
struct Claims;
}

// How far a grant reaches.
enum class Scope : unsigned char {
  None,      // not granted
  Own,       // only the user's own records (profile, personal dashboard)
  Assigned,  // only work assigned to the user (and what hangs off it), on the user's sites
  Site,      // resources whose siteId is in the user's siteIds
  All,       // every site of the user's tenant (R* of the matrix)
  Global,    // everything in the tenant, including administration
};
std::string_view scopeName(Scope scope);

// The matrix notes (L cells and footnotes). Checking ones are enforced on targeted checks;
// obligation ones (marked *) are returned to the caller, who shapes the response.
enum Constraint : uint32_t {
  kAlarmOrigin = 1u << 0,        // create WO only from an alarm (SC, note 1): ctx.origin == "alarm"
  kOwnTeam = 1u << 1,            // only the supervisor's own team (note 2): ctx.ownTeam
  kFieldNotesOnly = 1u << 2,     // status, notes, attachments (+tasks, measurements), never priority (note 3)
  kDraftOnly = 1u << 3,          // delete only drafts: ctx.status == "draft"
  kWithinCeiling = 1u << 4,      // approve up to approvalCeiling(role) (note 4): ctx.amount
  kEscalationOnly = 1u << 5,     // portfolio manager approves only above the plant-manager ceiling
  kPartsCostsOnly = 1u << 6,     // * costs of parts only (IC, note 5)
  kSafetyOnly = 1u << 7,         // safety docs / events only: ctx.category == "safety"
  kComplianceOnly = 1u << 8,     // compliance docs / certificates only: ctx.category == "compliance"
  kDescriptiveFields = 1u << 9,  // asset edit without siteId/parent/category/type/status
  kFieldStatus = 1u << 10,       // asset status from the field: operational|degraded|failed|under-maintenance
  kRemoteStatus = 1u << 11,      // asset status from SCADA: operational|degraded|failed
  kAggregateOnly = 1u << 12,     // * totals only (portfolio inventory)
  kAvailabilityOnly = 1u << 13,  // * quantities only, no costs or suppliers (technician inventory)
  kNoCost = 1u << 14,            // * cost fields removed (contractor inventory)
  kNeedsApproval = 1u << 15,     // * the change waits for approval (adjustments, note 8)
  kAutoReserveOnly = 1u << 16,   // reservation made by the system for assigned work: ctx.automatic
  kWarrantyPartsOnly = 1u << 17, // contractor-oem consumes warranty parts only (note 9): ctx.warrantyPart
  kBessOnly = 1u << 18,          // bess-specialist telemetry of batteries only (note 7): ctx.assetCategory
  kInventoryOnly = 1u << 19,     // inventory cost reports only: ctx.category == "inventory"
  kOwnDomain = 1u << 20,         // exports in the role's own domain (inventory|safety|compliance)
  kOperatorsOnly = 1u << 21,     // SCADA operator sees operator accounts only: ctx.targetRole
  kScadaOnly = 1u << 22,         // SCADA integrations only: ctx.category == "scada"
  kMinorOnly = 1u << 23,         // minor incidents only: ctx.severity == "minor"
  kEmergencyOnly = 1u << 24,     // emergency work orders only: ctx.type == "emergency"
};
std::string_view constraintName(Constraint c);

struct Grant {
  Scope scope = Scope::None;
  uint32_t constraints = 0;
  bool operator==(const Grant&) const = default;
};

// Contractor working hours, in minutes of the local day, [start, end). The policy has no
// time-zone database: the caller passes the site's UTC offset at the moment of the request
// (default 0 = UTC when the site has no timezone).
struct WorkingHours {
  int startMinute = 8 * 60;
  int endMinute = 17 * 60;
  int utcOffsetMinutes = 0;
};

struct Principal {
  std::string userId;
  std::string tenantId;
  Role role = Role::FieldTechnicianElectrical;
  std::vector<std::string> siteIds;
  std::vector<std::string> skills;
  std::string employmentType;  // employee | contractor | auditor
  int64_t contractStartMs = 0;  // 0 = open
  int64_t contractEndMs = 0;    // 0 = open; access ends at this instant
  WorkingHours contractorHours;
  bool mfa = false;
};

// Principal from verified claims; nullopt when the role is unknown. Contract dates and
// working hours are not in the token; the caller adds them from the user record.
std::optional<Principal> principalFromClaims(const jwt::Claims& claims);

// What is being acted on. Empty strings / nullopt mean "not known / not applicable".
struct ResourceCtx {
  std::string tenantId;
  std::string siteId;
  std::string resourceId;
  std::vector<std::string> assignedTo;  // user ids the work is assigned to (crews resolved)
  std::string ownerId;                  // the user a record belongs to (profile, dashboard)
  std::string createdBy;
  std::string status;         // current status (work order: draft-only)
  std::string type;           // work-order type (emergency-only)
  std::string origin;         // automationMetadata.origin (alarm-origin)
  std::string category;       // document / log / report / integration kind: safety|compliance|inventory|scada
  std::string assetCategory;  // battery for bess-only
  std::string targetStatus;   // asset status being set
  std::string targetRole;     // role of the user being read
  std::string severity;       // incident severity
  std::vector<std::string> fields;  // fields being changed by an update
  std::optional<double> amount;     // estimated cost, for approvals
  std::optional<bool> ownTeam;      // the target belongs to the acting supervisor's team
  bool automatic = false;           // made by the system, not by hand
  bool warrantyPart = false;
  std::optional<double> distanceToAssetM;  // mobile execution: distance to the asset
  std::optional<int64_t> occurredAtMs;     // when the record happened (contract-period visibility)

  bool targeted() const { return !siteId.empty() || !resourceId.empty() || !ownerId.empty(); }
};

struct Decision {
  bool allowed = false;
  Scope scope = Scope::None;
  uint32_t constraints = 0;  // of the matched grant (filters and obligations for the caller)
  bool flagged = false;      // audit with the external/emergency flag (contractors, emergency-responder)
  std::string reason;        // machine-readable, for "authz-denied" logs
  Error error;               // 403 with the AUTHZ_* code when denied

  explicit operator bool() const { return allowed; }
  bool has(Constraint c) const { return (constraints & c) != 0; }
};

// nowMs comes from the caller's injected Clock.
Decision authorize(const Principal& principal, std::string_view permission, const ResourceCtx& ctx, int64_t nowMs);

// The grant of a role for a permission (exact, then "<action>:*", then "*"); Scope::None if none.
Grant grantFor(Role role, std::string_view permission);
// Every permission a role holds (table entries, wildcards unexpanded), sorted.
std::vector<std::pair<std::string, Grant>> permissionsOf(Role role);
// Every permission named by the matrix, sorted (what the per-role tests enumerate).
std::vector<std::string> matrixPermissions();

enum class CostVisibility { None, PartsOnly, Full };
CostVisibility costVisibility(Role role);
// False for technicians, SCADA operators, EHS and compliance officers, contractors and the
// emergency responder: the API must remove cost fields (totalCost, costRecords, labor rates,
// part costs) from what it returns to them.
bool seesCosts(Role role);
// Admins, the emergency responder, contractors, and every role holding approve:work-orders.
bool requiresMfa(Role role);

enum class SiteScope { OwnSites, AllSites, Global };
// Which sites a role's lists span: its siteIds, every site of the tenant, or global (admin).
SiteScope siteScope(Role role);
// Technicians and contractors see only work assigned to them.
bool assignedOnly(Role role);

inline constexpr double kSiteEngineerCeiling = 25'000;
inline constexpr double kPlantManagerCeiling = 100'000;
// The largest estimated cost the role may approve (+infinity = unlimited); nullopt when the
// role cannot approve work orders.
std::optional<double> approvalCeiling(Role role);

}  // namespace dcmms::auth
