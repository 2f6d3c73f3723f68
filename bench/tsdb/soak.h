#pragma once

#include <string>

namespace dcmms::bench {

struct SoakPhase {
  long eventsPerSecond = 0;
  int seconds = 0;
};

struct SoakOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string apiKey;
  std::string assetsFile;
  int series = 1000;
  int connections = 8;
  int linesPerRequest = 1000;
  std::string phases = "10000x600";  // RATExSECONDS,... (02 check 27: 10,000 EPS for 10 min)
};

// Sends line protocol at a paced rate (every 100 ms the events of that tick, stamped with the
// wall clock) through `connections` keep-alive connections; 429/503 answers are retried after
// 1 s. Prints one JSON object: events sent, acknowledged and stored (the server's own count),
// throttled answers, latency from generation to durable acknowledgement (p50/p95/p99/max).
// Returns 0 when every event sent is stored and no request failed.
int runSoak(const SoakOptions& o);

}  // namespace dcmms::bench
