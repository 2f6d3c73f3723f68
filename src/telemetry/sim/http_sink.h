// Sink that POSTs batches to a dCMMS (or InfluxDB-compatible) HTTP endpoint with libcurl:
// one reused connection (keep-alive), API key header, optional gzip body.
#pragma once

#include <memory>
#include <string>

#include "telemetry/sim/encoders.h"
#include "telemetry/sim/sink.h"

namespace dcmms::telemetry {

enum class HttpBodyFormat { lineProtocol, json };

struct HttpSinkOptions {
  std::string url;          // full URL, e.g. http://127.0.0.1:8080/api/v1/write?precision=ms
  std::string apiKey;       // sent as X-API-Key when not empty
  HttpBodyFormat format = HttpBodyFormat::lineProtocol;
  TimePrecision precision = TimePrecision::ms;  // line protocol timestamps; must match the URL
  bool gzip = false;
  long timeoutMs = 30000;
};

class HttpSink final : public Sink {
 public:
  // Throws ApiException (500) when libcurl cannot be initialised.
  explicit HttpSink(HttpSinkOptions opts);
  ~HttpSink() override;
  HttpSink(const HttpSink&) = delete;
  HttpSink& operator=(const HttpSink&) = delete;

  // Non-2xx answers and transport errors come back as 502 SINK_ERROR naming status and body.
  Result<size_t> send(std::span<const Point> points) override;
  std::string describe() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// gzip (RFC 1952) of data, as sent with Content-Encoding: gzip.
std::string gzipCompress(std::string_view data);

}  // namespace dcmms::telemetry
