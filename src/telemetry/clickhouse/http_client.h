// Minimal client for ClickHouse's HTTP interface over libcurl. Keeps a small pool of
// keep-alive connections so concurrent callers do not serialise on one socket.
// Thread safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace dcmms::telemetry::clickhouse {

struct HttpClientOptions {
  std::string baseUrl;   // "http://127.0.0.1:8123/"
  std::string database;  // sent as ?database= unless empty
  std::string user;      // sent as X-ClickHouse-User when set
  std::string password;
  long connectTimeoutMs = 2'000;
  long requestTimeoutMs = 60'000;
  size_t maxIdleConnections = 8;
};

// Percent-encodes s for a URL query component.
std::string urlEncode(std::string_view s);

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Runs `sql` (sent as the request body) and returns the response body. The server buffers
  // the whole result (wait_end_of_query) so a failing query never looks like a short success.
  Result<std::string> query(std::string_view sql) const;
  // Runs `sql` (an INSERT … FORMAT …, sent in the URL) with `data` as the request body.
  // Success means ClickHouse answered 200, i.e. the rows are committed.
  Result<std::string> insert(std::string_view sql, std::string_view data) const;
  // Like query() but without the database parameter (CREATE DATABASE before it exists).
  Result<std::string> queryServer(std::string_view sql) const;

  const HttpClientOptions& options() const { return opt_; }

 private:
  struct Conn;
  struct ConnDeleter {
    void operator()(Conn* c) const;
  };
  using ConnPtr = std::unique_ptr<Conn, ConnDeleter>;

  Result<std::string> post(const std::string& url, std::string_view body) const;
  ConnPtr acquire() const;
  void release(ConnPtr c) const;
  std::string url(std::string_view extraParams, bool withDatabase) const;

  HttpClientOptions opt_;
  mutable std::mutex poolMu_;
  mutable std::vector<ConnPtr> idle_;
};

}  // namespace dcmms::telemetry::clickhouse
