#include "app/demo_scenarios.h"

namespace dcmms::app {

namespace {
constexpr auto E = auth::Role::FieldTechnicianElectrical;
constexpr auto M = auth::Role::FieldTechnicianMechanical;
constexpr auto W = auth::Role::WindTurbineTechnician;
constexpr auto B = auth::Role::BessSpecialist;
constexpr auto KO = auth::Role::ContractorOem;
constexpr auto KM = auth::Role::ContractorOm;
constexpr auto MS = auth::Role::MaintenanceSupervisor;
constexpr const char* S = "SOLAR-01";
constexpr const char* WF = "WIND-01";
constexpr const char* BS = "BESS-01";
using T = Target;
}  // namespace

const std::vector<Scenario>& demoScenarios() {
  static const std::vector<Scenario> all = {
      // ---- closed: months of finished work ------------------------------------------------
      {.job = "inverter-pm", .site = S, .asset = "INV-03", .target = T::Closed, .day = 95, .assignee = E,
       .reopenReason = "Photo check: the inlet filter of fan 3 was not replaced - rework required"},
      {.job = "gearbox-oil", .site = WF, .asset = "WTG-04", .target = T::Closed, .day = 88, .assignee = W},
      {.job = "transformer-oil", .site = S, .asset = "TR-02", .target = T::Closed, .day = 75, .assignee = E},
      {.job = "blade-inspection", .site = WF, .asset = "WTG-09", .target = T::Closed, .day = 70, .assignee = KM},
      {.job = "inverter-igbt", .site = S, .asset = "INV-12", .target = T::Closed, .day = 62, .assignee = KO, .helper = E,
       .fault = "failed"},
      {.job = "hvac-filter", .site = BS, .asset = "BESS-HVAC-03", .target = T::Closed, .day = 55, .assignee = B,
       .skipTask = 3, .skipReason = "Unit is part of the OEM vibration survey this week; bearings covered by the OEM report"},
      {.job = "string-fuse", .site = S, .asset = "INV-05-CB-07-STR-11", .target = T::Closed, .day = 48, .assignee = E,
       .fault = "failed"},
      {.job = "yaw-brake", .site = WF, .asset = "WTG-16", .target = T::Closed, .day = 41, .assignee = M, .helper = W,
       .holdReason = "Wind above 15 m/s - nacelle access suspended until tomorrow morning"},
      {.job = "fss-test", .site = BS, .asset = "BESS-FSS-06", .target = T::Closed, .day = 35, .assignee = B},
      {.job = "generator-insulation", .site = WF, .asset = "WTG-13", .target = T::Closed, .day = 28, .assignee = W,
       .rejectReason = "Confirm no lift hire is needed and add the SCADA humidity alarm history, then resubmit"},
      {.job = "pyranometer", .site = S, .asset = "WS-01", .target = T::Closed, .day = 21, .assignee = E},
      {.job = "cell-imbalance", .site = BS, .asset = "BESS-RACK-17", .target = T::Closed, .day = 14, .assignee = B},
      // ---- verified, waiting for closure ----------------------------------------------------
      {.job = "annual-service", .site = WF, .asset = "WTG-11", .target = T::Verified, .day = 9, .assignee = W, .helper = M},
      {.job = "inverter-pm", .site = S, .asset = "INV-08", .target = T::Verified, .day = 8, .assignee = E},
      {.job = "capacity-test", .site = BS, .asset = "BESS-RACK-05", .target = T::Verified, .day = 7, .assignee = B},
      {.job = "cb-thermal", .site = S, .asset = "INV-14", .target = T::Verified, .day = 6, .assignee = E},
      {.job = "gearbox-oil", .site = WF, .asset = "WTG-12", .target = T::Verified, .day = 5, .assignee = KM},
      // ---- completed, waiting for verification ----------------------------------------------
      {.job = "iv-curve", .site = S, .asset = "INV-02-CB-04", .target = T::Completed, .day = 4, .assignee = E},
      {.job = "pcs-ground-fault", .site = BS, .asset = "PCS-03", .target = T::Completed, .day = 3, .assignee = B,
       .fault = "failed"},
      {.job = "converter-fault", .site = WF, .asset = "WTG-06", .target = T::Completed, .day = 3, .assignee = W,
       .fault = "failed"},
      {.job = "inverter-comm", .site = S, .asset = "INV-19", .target = T::Completed, .day = 2, .assignee = E, .alarm = true},
      {.job = "transformer-oil", .site = S, .asset = "TR-09", .target = T::Completed, .day = 3, .assignee = E},
      // ---- on hold -------------------------------------------------------------------------
      {.job = "inverter-igbt", .site = S, .asset = "INV-07", .target = T::OnHold, .day = 1, .assignee = E,
       .fault = "failed", .holdReason = "Replacement IGBT module not in stock - ordered from SMA, ETA 5 days"},
      {.job = "hss-bearing", .site = WF, .asset = "WTG-14", .target = T::OnHold, .day = 2, .assignee = W,
       .holdReason = "Wind speed above 12 m/s - climbing not permitted; resume when the forecast allows"},
      {.job = "hvac-filter", .site = BS, .asset = "BESS-HVAC-08", .target = T::OnHold, .day = 3, .assignee = B,
       .holdReason = "Chiller compressor noisy - awaiting Envicool service engineer"},
      {.job = "string-fuse", .site = S, .asset = "INV-16-CB-02-STR-05", .target = T::OnHold, .day = 5, .assignee = E,
       .holdReason = "Combiner box DC isolator seized - replacement isolator requested from stores"},
      // ---- in progress right now -------------------------------------------------------------
      {.job = "transformer-buchholz", .site = S, .asset = "TR-04", .target = T::InProgress, .minutesAgo = 110,
       .assignee = E, .fault = "degraded"},
      {.job = "cell-imbalance", .site = BS, .asset = "BESS-RACK-29", .target = T::InProgress, .minutesAgo = 150, .assignee = B},
      {.job = "blade-inspection", .site = WF, .asset = "WTG-03", .target = T::InProgress, .minutesAgo = 95, .assignee = W},
      {.job = "module-cleaning", .site = S, .asset = "INV-11", .target = T::InProgress, .minutesAgo = 200, .assignee = M},
      {.job = "transformer-oil", .site = S, .asset = "TR-06", .target = T::InProgress, .minutesAgo = 80, .assignee = MS},
      // ---- scheduled (not yet assigned) ------------------------------------------------------
      {.job = "main-bearing", .site = WF, .asset = "WTG-08", .target = T::Scheduled, .day = -9, .assignee = W},
      {.job = "inverter-pm", .site = S, .asset = "INV-15", .target = T::Scheduled, .day = -2, .assignee = E},
      {.job = "mpt-hv-test", .site = S, .asset = "SOL-MPT-01", .target = T::Scheduled, .day = -6, .assignee = E},
      {.job = "annual-service", .site = WF, .asset = "WTG-19", .target = T::Scheduled, .day = -4, .assignee = W},
      {.job = "fss-test", .site = BS, .asset = "BESS-FSS-02", .target = T::Scheduled, .day = -3, .assignee = B},
      // ---- assigned, upcoming ----------------------------------------------------------------
      {.job = "inverter-pm", .site = S, .asset = "INV-16", .target = T::Assigned, .day = -1, .assignee = E},
      {.job = "gearbox-oil", .site = WF, .asset = "WTG-17", .target = T::Assigned, .day = -2, .assignee = W},
      {.job = "capacity-test", .site = BS, .asset = "BESS-RACK-33", .target = T::Assigned, .day = -1, .assignee = B},
      {.job = "cb-thermal", .site = S, .asset = "INV-04", .target = T::Assigned, .day = -3, .assignee = E},
      {.job = "yaw-brake", .site = WF, .asset = "WTG-05", .target = T::Assigned, .day = -2, .assignee = KM},
      {.job = "bms-firmware", .site = BS, .asset = "BESS-RACK-12", .target = T::Assigned, .day = -5, .assignee = KO},
      // ---- approved, waiting for planning ----------------------------------------------------
      {.job = "hss-bearing", .site = WF, .asset = "WTG-10", .target = T::Approved, .day = 2},
      {.job = "iv-curve", .site = S, .asset = "INV-09-CB-11", .target = T::Approved, .day = 3},
      {.job = "transformer-oil", .site = S, .asset = "TR-07", .target = T::Approved, .day = 1},
      {.job = "bms-firmware", .site = BS, .asset = "BESS-RACK-01", .target = T::Approved, .day = 2},
      {.job = "pitch-battery", .site = WF, .asset = "WTG-02", .target = T::Approved, .day = 1},
      // ---- submitted, waiting for approval ---------------------------------------------------
      {.job = "string-fuse", .site = S, .asset = "INV-18-CB-05-STR-03", .target = T::Submitted, .day = 0, .fault = "failed"},
      {.job = "blade-inspection", .site = WF, .asset = "WTG-20", .target = T::Submitted, .day = 1},
      {.job = "mv-thermography", .site = BS, .asset = "BESS-TX-01", .target = T::Submitted, .day = 1},
      {.job = "inverter-comm", .site = S, .asset = "INV-13", .target = T::Submitted, .day = 0, .alarm = true},
      {.job = "cell-imbalance", .site = BS, .asset = "BESS-RACK-38", .target = T::Submitted, .day = 2},
      // ---- drafts ----------------------------------------------------------------------------
      {.job = "module-cleaning", .site = S, .asset = "INV-20", .target = T::Draft, .day = 0},
      {.job = "converter-fault", .site = WF, .asset = "WTG-01", .target = T::Draft, .day = 1},
      {.job = "iv-curve", .site = S, .asset = "INV-06-CB-09", .target = T::Draft, .day = 0},
      {.job = "generator-insulation", .site = WF, .asset = "WTG-07", .target = T::Draft, .day = 3,
       .rejectReason = "Add the humidity alarm history and the OEM outage window before resubmitting"},
      {.job = "hvac-filter", .site = BS, .asset = "BESS-HVAC-10", .target = T::Draft, .day = 1},
      // ---- cancelled -------------------------------------------------------------------------
      {.job = "string-fuse", .site = S, .asset = "INV-01-CB-03-STR-08", .target = T::Cancelled, .day = 6,
       .cancelFrom = T::Submitted, .cancelReason = "Duplicate of the alarm work order raised for the same string"},
      {.job = "blade-inspection", .site = WF, .asset = "WTG-15", .target = T::Cancelled, .day = 12, .assignee = W,
       .cancelFrom = T::Scheduled, .cancelReason = "Merged into the OEM blade campaign for rows C and D"},
      {.job = "inverter-pm", .site = S, .asset = "INV-06", .target = T::Cancelled, .day = 20, .cancelFrom = T::Approved,
       .cancelReason = "Superseded by the SMA service campaign (firmware and filters) on all inverters"},
      {.job = "gearbox-oil", .site = WF, .asset = "WTG-18", .target = T::Cancelled, .day = 9, .assignee = W,
       .cancelFrom = T::Assigned, .cancelReason = "Turbine under OEM warranty inspection this month; OEM takes the sample"},
      {.job = "hvac-filter", .site = BS, .asset = "BESS-HVAC-05", .target = T::Cancelled, .day = 4, .cancelFrom = T::Draft,
       .cancelReason = "Raised in error - unit was serviced last week"},
  };
  return all;
}

}  // namespace dcmms::app
