// Maintenance job templates of the demo: what a work order of each kind looks like (title,
// description, tasks, permits, measurements, parts, notes). "{asset}" in texts is replaced by
// the asset id of the work order.
#pragma once

#include <string_view>
#include <vector>

namespace dcmms::app {

struct DemoTask {
  std::string_view title = {};
  bool critical = false;
};

struct DemoMeasurement {
  std::string_view type = {};
  double value = 0;
  std::string_view unit = {};
  bool withinSpec = true;
  std::string_view notes = {};
};

struct DemoPart {
  std::string_view partId = {};
  double quantity = 1;
  std::string_view unit = {};
  double cost = 0;
};

struct DemoJob {
  std::string_view key = {};
  std::string_view title = {};
  std::string_view description = {};
  std::string_view type = {};      // preventive | predictive | corrective | inspection | emergency | upgrade
  std::string_view priority = {};  // low | medium | high | urgent
  std::vector<std::string_view> skills = {};
  std::vector<std::string_view> permits = {};  // permit types (loto, electrical, work-at-height, ...)
  std::vector<std::string_view> ppe = {};
  std::vector<DemoTask> tasks = {};
  std::vector<DemoMeasurement> measurements = {};  // also the WO's requiredMeasurements
  std::vector<DemoPart> parts = {};
  int durationMinutes = 120;
  double estimatedCost = 0;
  std::string_view completionNotes = {};
  std::string_view rootCause = {};
  std::string_view preventiveActions = {};
  std::string_view safetyNotes = {};
};

// Throws std::logic_error for an unknown key.
const DemoJob& demoJob(std::string_view key);

}  // namespace dcmms::app
