// Where the simulator's points go: an HTTP endpoint (line protocol or JSON), an MQTT broker,
// or anything else implementing Sink (tests collect points in memory).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "core/error.h"
#include "telemetry/point.h"

namespace dcmms::telemetry {

class Sink {
 public:
  virtual ~Sink() = default;
  // Sends one batch; returns the bytes put on the wire.
  virtual Result<size_t> send(std::span<const Point> points) = 0;
  // Waits until everything sent so far is acknowledged (MQTT); returns bytes flushed.
  virtual Result<size_t> flush() { return size_t{0}; }
  // For logs: "POST http://…/api/v1/write (line protocol)".
  virtual std::string describe() const = 0;
};

}  // namespace dcmms::telemetry
