#include "lp_load.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "load_util.h"
#include "workload.h"

namespace dcmms::bench {
namespace {

// Full HTTP requests, each `linesPerRequest` lines of the time-major workload.
std::vector<std::string> encodeRequests(const LpLoadOptions& o, const std::vector<Asset>& assets) {
  std::vector<std::string> prefixes;  // "random_walk,site=..,asset=..,sensor=rwN value="
  for (int s = 0; s < o.series; ++s) {
    const Asset& a = assets[static_cast<size_t>(s) % assets.size()];
    prefixes.push_back("random_walk,site=" + a.site + ",asset=" + a.asset + ",sensor=rw" + std::to_string(s) + " value=");
  }
  std::vector<std::string> requests;
  std::string body;
  auto flush = [&] {
    if (body.empty()) return;
    std::string r = "POST /api/v1/write?precision=ms HTTP/1.1\r\nHost: " + o.host + "\r\nX-API-Key: " + o.apiKey +
                    "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n\r\n";
    r += body;
    requests.push_back(std::move(r));
    body.clear();
  };
  RandomWalks walks(o.series);
  constexpr int kBlock = 600;
  long lines = 0;
  for (int p = 0; p < o.points; p += kBlock) {
    const int n = std::min(kBlock, o.points - p);
    const std::vector<double> v = walks.next(n);
    for (int t = 0; t < n; ++t)
      for (int s = 0; s < o.series; ++s) {
        body += prefixes[static_cast<size_t>(s)];
        appendDecimal(body, v[static_cast<size_t>(t) * o.series + s]);
        body += ' ';
        appendInt(body, o.t0Ms + int64_t{p + t} * 1000);
        body += '\n';
        if (++lines % o.linesPerRequest == 0) flush();
      }
  }
  flush();
  return requests;
}

}  // namespace

int runLpLoad(const LpLoadOptions& o) {
  const auto assets = readAssets(o.assetsFile);
  const auto requests = encodeRequests(o, assets);
  size_t bytes = 0;
  for (const auto& r : requests) bytes += r.size();

  std::atomic<size_t> next{0};
  std::mutex mu;
  std::map<int, int> statuses;
  std::string firstError;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c)
    threads.emplace_back([&] {
      const int fd = connectTo(o.host, o.port);
      std::string buf, body;
      for (size_t i; (i = next++) < requests.size();) {
        sendAll(fd, requests[i]);
        const int status = readResponse(fd, buf, body);
        std::lock_guard lock(mu);
        ++statuses[status];
        if (status >= 300 && firstError.empty()) firstError = body.substr(0, 500);
      }
      ::close(fd);
    });
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double points = static_cast<double>(o.series) * o.points;
  std::string codes;
  for (const auto& [code, count] : statuses) {
    if (!codes.empty()) codes += ',';
    codes += '"';
    codes += std::to_string(code);
    codes += "\":";
    codes += std::to_string(count);
  }
  std::printf("{\"points\":%.0f,\"requests\":%zu,\"lines_per_request\":%d,\"connections\":%d,\"bytes\":%zu,"
              "\"seconds\":%.3f,\"points_per_s\":%.0f,\"mb_per_s\":%.1f,\"statuses\":{%s}}\n",
              points, requests.size(), o.linesPerRequest, o.connections, bytes, seconds, points / seconds,
              static_cast<double>(bytes) / seconds / 1e6, codes.c_str());
  if (!firstError.empty()) std::fprintf(stderr, "first error: %s\n", firstError.c_str());
  return firstError.empty() ? 0 : 1;
}

int writeTsv(int series, int points) {
  RandomWalks walks(series);
  constexpr int kBlock = 3600;
  std::string out;
  for (int p = 0; p < points; p += kBlock) {
    const int n = std::min(kBlock, points - p);
    const std::vector<double> v = walks.next(n);
    out.clear();
    for (int t = 0; t < n; ++t)
      for (int s = 0; s < series; ++s) {
        appendInt(out, s);
        out += '\t';
        appendInt(out, kT0 + int64_t{p + t} * 1000);
        out += '\t';
        appendDecimal(out, v[static_cast<size_t>(t) * series + s]);
        out += "\t0\t0\n";
      }
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) return 1;
  }
  return 0;
}

}  // namespace dcmms::bench
