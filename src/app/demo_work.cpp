#include "app/demo_work.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

#include "app/demo_jobs.h"
#include "app/demo_scenarios.h"
#include "core/error.h"
#include "core/time_format.h"
#include "domain/entity_store.h"

namespace dcmms::app {

namespace {

namespace json = boost::json;
using auth::Role;

std::string expand(std::string_view text, std::string_view asset) {
  std::string out(text);
  for (size_t at = out.find("{asset}"); at != std::string::npos; at = out.find("{asset}", at + asset.size()))
    out.replace(at, 7, asset);
  return out;
}

json::array stringArray(const std::vector<std::string_view>& v) {
  json::array a;
  for (auto s : v) a.emplace_back(s);
  return a;
}

std::string describe(const ApiException& e) {
  std::string s = e.error().code + ": " + e.error().message;
  for (const auto& d : e.error().details) s += " [" + d.field + ": " + d.message + "]";
  return s;
}

// One work order being walked through its history.
struct Run {
  const Scenario* scenario = nullptr;
  const DemoJob* job = nullptr;
  std::string title;
  std::string woId;
  std::vector<std::string> permitIds;
};

struct Step {
  int64_t at;
  size_t order;
  Run* run;
  std::string what;
  std::function<void()> fn;
};

class WorkSeeder {
 public:
  explicit WorkSeeder(DemoWorld& w) : w_(w) {}

  void plan(const Scenario& s, int index);
  void run();
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& r : runs_) out.push_back(r.woId);
    return out;
  }

 private:
  void at(int64_t t, Run& r, std::string what, std::function<void()> fn) {
    steps_.push_back({t, steps_.size(), &r, std::move(what), std::move(fn)});
  }
  void transition(int64_t t, Run& r, Role who, json::object body) {
    const std::string what = "transition to " + std::string(body.at("toStatus").as_string());
    at(t, r, what, [this, &r, who, body = std::move(body)] { w_.app.workOrders.transition(w_.as(who), r.woId, body); });
  }
  // Moves every permit of the work order to `to` (expiresAt when issuing).
  void permits(int64_t t, Run& r, Role who, const char* to, std::string expiresAt = {}) {
    at(t, r, std::string("permits ") + to, [this, &r, who, to, expiresAt] {
      for (const auto& id : r.permitIds) {
        json::object body{{"toStatus", to}};
        if (!expiresAt.empty()) body["expiresAt"] = expiresAt;
        w_.app.workOrders.permitTransition(w_.as(who), id, body);
      }
    });
  }
  // Contractors' permit requests go through the supervisor (contractor hours, site rules).
  static Role permitRequester(const Scenario& s) {
    return auth::isContractor(s.assignee) ? Role::MaintenanceSupervisor : s.assignee;
  }
  void planWork(const Scenario& s, Run& r, int64_t scheduledStart, Target reach);
  json::object createBody(const Scenario& s, const Run& r, const std::string& origin) const;

  DemoWorld& w_;
  std::deque<Run> runs_;  // stable addresses for the steps
  std::vector<Step> steps_;
};

json::object WorkSeeder::createBody(const Scenario& s, const Run& r, const std::string& origin) const {
  const DemoJob& job = *r.job;
  json::object body{{"siteId", s.site},
                    {"assetId", s.asset},
                    {"type", job.type},
                    {"priority", job.priority},
                    {"title", r.title},
                    {"description", expand(job.description, s.asset)},
                    {"estimatedDurationMinutes", job.durationMinutes},
                    {"estimatedCost", job.estimatedCost},
                    {"skills", stringArray(job.skills)},
                    {"requiredPpe", stringArray(job.ppe)},
                    {"tags", json::array{"demo", json::string(job.key)}}};
  if (!job.safetyNotes.empty()) body["safetyNotes"] = job.safetyNotes;
  json::array tasks;
  int seq = 0;
  for (const auto& t : job.tasks) {
    ++seq;
    tasks.push_back(json::object{{"taskId", "TSK-" + std::to_string(seq)},
                                 {"title", t.title},
                                 {"sequence", seq},
                                 {"critical", t.critical}});
  }
  body["tasks"] = std::move(tasks);
  json::array required;
  for (const auto& m : job.measurements) required.emplace_back(m.type);
  body["requiredMeasurements"] = std::move(required);
  json::array parts;
  for (const auto& p : job.parts)
    parts.push_back(json::object{{"partId", p.partId}, {"quantity", p.quantity}, {"unit", p.unit}});
  body["partsRequired"] = std::move(parts);
  json::object meta{{"origin", origin}};
  if (origin == "alarm") meta["alarmId"] = "ALM-" + std::string(s.asset) + "-" + utcDayStamp(w_.now());
  if (origin == "predictive-model") {
    meta["modelId"] = s.site == std::string_view("BESS-01") ? "bess-cell-drift-v2" : "cms-bearing-anomaly-v3";
    meta["confidence"] = 0.87;
  }
  if (origin == "pm-schedule") meta["ruleId"] = "PM-" + std::string(job.key);
  body["automationMetadata"] = std::move(meta);
  return body;
}

void WorkSeeder::plan(const Scenario& s, int index) {
  Run& r = runs_.emplace_back();
  r.scenario = &s;
  r.job = &demoJob(s.job);
  r.title = expand(r.job->title, s.asset);
  const DemoJob& job = *r.job;
  const bool fast = job.priority == "urgent" || job.priority == "high";
  const int64_t jitter = (index * 17 % 50) * kMinuteMs;
  const int64_t seeded = w_.seededAt();
  const Target reach = s.target == Target::Cancelled ? s.cancelFrom : s.target;

  // When the work is (or was) due, and when it was raised.
  int64_t start = 0, created = 0;
  if (reach == Target::InProgress) start = seeded - s.minutesAgo * kMinuteMs;
  else if (reach >= Target::Scheduled) start = w_.localMidnight(s.day) + 9 * kHourMs + 30 * kMinuteMs + jitter;
  if (reach >= Target::Scheduled) {
    created = fast ? start - 3 * kHourMs : start - (2 + index % 4) * kDayMs - 2 * kHourMs;
    created = std::min(created, seeded - 10 * kHourMs);
  } else {
    created = std::min(w_.localMidnight(s.day) + 10 * kHourMs + jitter, seeded - 90 * kMinuteMs - jitter);
  }

  // Who raises it, and from where.
  std::string origin = "manual";
  Role creator = index % 3 == 0 ? Role::SiteEngineer : index % 3 == 1 ? Role::MaintenanceSupervisor : Role::PlantManager;
  if (!s.fault.empty() || s.alarm) {
    origin = "alarm";
    creator = Role::ScadaOperator;
  } else if (job.type == "preventive") {
    origin = "pm-schedule";
    creator = Role::OmCoordinator;
  } else if (job.type == "predictive") {
    origin = "predictive-model";
    creator = Role::SiteEngineer;
  }
  Role approver = Role::PlantManager;
  if (job.estimatedCost > 100'000) approver = Role::PortfolioManager;
  else if (job.estimatedCost <= 25'000 && index % 2 == 0) approver = Role::SiteEngineer;

  const int64_t submitGap = fast ? 10 * kMinuteMs : 20 * kMinuteMs;
  const int64_t approveGap = fast ? 40 * kMinuteMs : 3 * kHourMs;
  const int64_t scheduleGap = fast ? 30 * kMinuteMs : 2 * kHourMs;
  const int64_t assignGap = fast ? 20 * kMinuteMs : kHourMs;

  if (!s.fault.empty()) {
    // The alarm pipeline (a system actor) sets the status; the operator then raises the WO.
    at(created - 12 * kMinuteMs, r, "SCADA fault", [this, &s] {
      w_.app.assets.transition(w_.system(), std::string(s.asset),
                               {{"toStatus", s.fault}, {"reason", "SCADA alarm: " + std::string(s.fault) + " state reported"}});
    });
  }
  at(created, r, "create", [this, &r, &s, origin, creator] {
    json::object saved = w_.app.workOrders.create(w_.as(creator), createBody(s, r, origin));
    r.woId = domain::str(saved, "workOrderId");
  });
  int64_t t = created;
  const bool submits = reach >= Target::Submitted || !s.rejectReason.empty();
  if (submits) {
    t += submitGap;
    transition(t, r, creator, {{"toStatus", "submitted"}});
  }
  if (!s.rejectReason.empty()) {
    t += 2 * kHourMs;
    transition(t, r, Role::PlantManager, {{"toStatus", "draft"}, {"reason", s.rejectReason}});
    if (reach >= Target::Submitted) {
      t += kDayMs;
      transition(t, r, creator, {{"toStatus", "submitted"}, {"comment", "Details added as requested"}});
    }
  }
  if (reach >= Target::Approved) {
    t += approveGap;
    transition(t, r, approver, {{"toStatus", "approved"}});
  }
  if (reach >= Target::Scheduled) {
    t += scheduleGap;
    if (t >= start) throw std::logic_error("demo: " + r.title + " is scheduled after its start");
    transition(t, r, Role::OmCoordinator, {{"toStatus", "scheduled"}, {"scheduledStart", formatIso8601(start)}});
    t += 5 * kMinuteMs;
    for (auto type : job.permits) {
      at(t, r, "add permit", [this, &r, type] {
        json::object saved = w_.app.workOrders.addPermit(
            w_.as(Role::OmCoordinator), r.woId,
            {{"permitType", type}, {"notes", "Required by the site safety rules for " + std::string(type) + " work"}});
        r.permitIds.push_back(domain::str(domain::arr(saved, "permits").back().as_object(), "permitId"));
      });
    }
  }
  if (reach >= Target::Assigned) {
    t += assignGap;
    transition(t, r, Role::MaintenanceSupervisor,
               {{"toStatus", "assigned"}, {"assignedTo", w_.userId(s.assignee)}});
  }
  if (reach == Target::Assigned && !job.permits.empty()) permits(t + kHourMs, r, permitRequester(s), "requested");
  if (reach >= Target::InProgress) planWork(s, r, start, reach);
  else if (s.target == Target::Cancelled) {
    t += 20 * kHourMs;
    transition(t, r, Role::PlantManager, {{"toStatus", "cancelled"}, {"reason", s.cancelReason}});
  }
}

void WorkSeeder::planWork(const Scenario& s, Run& r, int64_t start, Target reach) {
  const DemoJob& job = *r.job;
  const int64_t seeded = w_.seededAt();
  const bool holds = !s.holdReason.empty();
  const bool resumes = holds && reach != Target::OnHold;
  constexpr double kHoldAt = 0.5;
  const int64_t gap = resumes ? 20 * kHourMs : 0;
  const int64_t begin = start + 5 * kMinuteMs;
  // Time of fraction f of the work, on whole minutes; the hold gap splits the work in two.
  auto when = [&](double f) {
    return begin + std::llround(f * job.durationMinutes) * kMinuteMs + (f > kHoldAt ? gap : 0);
  };
  const int64_t finish = when(1.0);
  // Steps after the cut-off have not happened yet at seeding time.
  int64_t cutoff = std::numeric_limits<int64_t>::max();
  if (reach == Target::InProgress) cutoff = seeded - 2 * kMinuteMs;
  if (reach == Target::OnHold) cutoff = when(kHoldAt);

  // Permits: requested, reviewed and issued by EHS before the start, valid past the finish.
  int64_t expires = finish + 2 * kHourMs;
  if (reach == Target::InProgress) expires = std::max(expires, seeded + 6 * kHourMs);
  if (!job.permits.empty()) {
    permits(start - 70 * kMinuteMs, r, permitRequester(s), "requested");
    permits(start - 50 * kMinuteMs, r, Role::EhsOfficer, "under-review");
    permits(start - 25 * kMinuteMs, r, Role::EhsOfficer, "issued", formatIso8601(expires));
  }
  const Role tech = s.assignee;
  transition(begin, r, tech, {{"toStatus", "in-progress"}, {"comment", "Toolbox talk done, starting work"}});

  // Tasks in sequence; in ongoing work the next task is under way.
  const size_t n = job.tasks.size();
  bool markedNext = false;
  for (size_t k = 0; k < n; ++k) {
    const int64_t t = when(0.95 * static_cast<double>(k + 1) / static_cast<double>(n + 1));
    const std::string taskId = "TSK-" + std::to_string(k + 1);
    if (t >= cutoff) {
      const int64_t prev = k == 0 ? begin : when(0.95 * static_cast<double>(k) / static_cast<double>(n + 1));
      if (!markedNext && reach == Target::InProgress && prev + kMinuteMs < cutoff) {
        at(prev + kMinuteMs, r, "task started", [this, &r, tech, taskId] {
          w_.app.workOrders.updateTask(w_.as(tech), r.woId, taskId, {{"status", "in-progress"}});
        });
      }
      markedNext = true;
      continue;
    }
    const bool skip = s.skipTask == static_cast<int>(k + 1);
    json::object body = skip ? json::object{{"status", "skipped"}, {"reason", s.skipReason}}
                             : json::object{{"status", "completed"}};
    at(t, r, "task " + taskId, [this, &r, tech, taskId, body] { w_.app.workOrders.updateTask(w_.as(tech), r.woId, taskId, body); });
  }
  if (holds && when(kHoldAt) <= cutoff) {
    transition(when(kHoldAt), r, tech, {{"toStatus", "on-hold"}, {"reason", s.holdReason}});
    if (resumes)
      transition(when(kHoldAt) + gap, r, tech, {{"toStatus", "in-progress"}, {"comment", "Conditions OK, resuming"}});
  }
  if (when(0.6) < cutoff)
    for (const auto& p : job.parts) {
      json::object body{{"partId", p.partId}, {"quantity", p.quantity}, {"unit", p.unit}, {"cost", p.cost}};
      at(when(0.6), r, "part used", [this, &r, tech, body] { w_.app.workOrders.addPartUsed(w_.as(tech), r.woId, body); });
    }
  if (when(0.85) < cutoff)
    for (const auto& m : job.measurements) {
      json::object body{{"type", m.type}, {"value", m.value}, {"unit", m.unit}, {"withinSpec", m.withinSpec}};
      if (!m.notes.empty()) body["notes"] = m.notes;
      at(when(0.85), r, "measurement", [this, &r, tech, body] { w_.app.workOrders.addMeasurement(w_.as(tech), r.woId, body); });
    }
  if (s.helper && when(0.9) < cutoff) {
    json::object body{{"userId", w_.userId(*s.helper)},
                      {"startTime", formatIso8601(begin + 15 * kMinuteMs)},
                      {"endTime", formatIso8601(when(0.85))},
                      {"laborType", "regular"},
                      {"laborRate", 42},
                      {"notes", "Second technician (two-person rule)"}};
    at(when(0.9), r, "helper labour",
       [this, &r, body] { w_.app.workOrders.addLabor(w_.as(Role::MaintenanceSupervisor), r.woId, body); });
  }
  if (reach < Target::Completed) return;

  json::object done{{"toStatus", "completed"}, {"completionNotes", expand(job.completionNotes, s.asset)}};
  if (!job.rootCause.empty()) done["rootCause"] = job.rootCause;
  if (!job.preventiveActions.empty()) done["preventiveActions"] = job.preventiveActions;
  transition(finish, r, tech, done);
  int64_t completed = finish;
  if (!s.reopenReason.empty()) {
    const int64_t reopened = finish + 3 * kHourMs;
    transition(reopened, r, Role::MaintenanceSupervisor, {{"toStatus", "in-progress"}, {"reason", s.reopenReason}});
    completed = reopened + 90 * kMinuteMs;
    done["completionNotes"] = expand(job.completionNotes, s.asset) + " Rework: remaining item fixed and photographed.";
    transition(completed, r, tech, done);
  }
  if (reach < Target::Verified) return;
  const int64_t verified = completed + 18 * kHourMs;
  transition(verified, r, Role::MaintenanceSupervisor, {{"toStatus", "verified"}, {"comment", "Checked on site, work accepted"}});
  if (reach < Target::Closed) return;
  const Role closer = r.title.size() % 2 == 0 ? Role::PlantManager : Role::OmCoordinator;
  transition(verified + 26 * kHourMs, r, closer, {{"toStatus", "closed"}});
}

void WorkSeeder::run() {
  const int64_t limit = w_.seededAt();
  for (const auto& s : steps_)
    if (s.at > limit)
      throw std::logic_error("demo: step '" + s.what + "' of '" + s.run->title + "' lies after the seeding time");
  std::stable_sort(steps_.begin(), steps_.end(), [](const Step& a, const Step& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });
  for (auto& s : steps_) {
    w_.setTime(s.at);
    try {
      s.fn();
    } catch (const ApiException& e) {
      throw std::runtime_error("demo step '" + s.what + "' of '" + s.run->title + "' (" + s.run->woId +
                               ") failed: " + describe(e));
    }
  }
  w_.setTime(limit);
}

}  // namespace

WorkCounts seedWorkOrders(DemoWorld& world) {
  WorkSeeder seeder(world);
  int index = 0;
  for (const auto& s : demoScenarios()) seeder.plan(s, index++);
  seeder.run();
  WorkCounts counts;
  const auto ctx = world.system();
  for (const auto& id : seeder.ids()) {
    ++counts.total;
    ++counts.byStatus[domain::str(world.app.workOrders.get(ctx, id).doc, "status")];
  }
  return counts;
}

}  // namespace dcmms::app
