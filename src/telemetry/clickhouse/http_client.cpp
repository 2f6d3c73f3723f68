#include "telemetry/clickhouse/http_client.h"

#include <curl/curl.h>

namespace dcmms::telemetry::clickhouse {

namespace {

constexpr size_t kMaxErrorText = 2000;

size_t collect(char* data, size_t size, size_t n, void* userdata) {
  static_cast<std::string*>(userdata)->append(data, size * n);
  return size * n;
}

Error unavailable(std::string message) { return Error{503, "CLICKHOUSE_UNAVAILABLE", std::move(message), {}}; }

}  // namespace

std::string urlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

struct HttpClient::Conn {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
};

void HttpClient::ConnDeleter::operator()(Conn* c) const {
  if (c->headers) curl_slist_free_all(c->headers);
  if (c->curl) curl_easy_cleanup(c->curl);
  delete c;
}

HttpClient::HttpClient(HttpClientOptions options) : opt_(std::move(options)) {
  if (!opt_.baseUrl.empty() && opt_.baseUrl.back() != '/') opt_.baseUrl.push_back('/');
}

HttpClient::~HttpClient() = default;

HttpClient::ConnPtr HttpClient::acquire() const {
  {
    std::lock_guard l(poolMu_);
    if (!idle_.empty()) {
      ConnPtr c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  ConnPtr c(new Conn);
  c->curl = curl_easy_init();
  if (!c->curl) return nullptr;
  c->headers = curl_slist_append(nullptr, "Content-Type: application/octet-stream");
  c->headers = curl_slist_append(c->headers, "Expect:");  // no 100-continue round trip
  if (!opt_.user.empty()) {
    c->headers = curl_slist_append(c->headers, ("X-ClickHouse-User: " + opt_.user).c_str());
    c->headers = curl_slist_append(c->headers, ("X-ClickHouse-Key: " + opt_.password).c_str());
  }
  curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->headers);
  curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, opt_.connectTimeoutMs);
  curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, opt_.requestTimeoutMs);
  curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, collect);
  return c;
}

void HttpClient::release(ConnPtr c) const {
  std::lock_guard l(poolMu_);
  if (idle_.size() < opt_.maxIdleConnections) idle_.push_back(std::move(c));
}

std::string HttpClient::url(std::string_view extraParams, bool withDatabase) const {
  std::string u = opt_.baseUrl;
  u += '?';
  if (withDatabase && !opt_.database.empty()) u += "database=" + urlEncode(opt_.database) + "&";
  u += extraParams;
  return u;
}

Result<std::string> HttpClient::post(const std::string& u, std::string_view body) const {
  ConnPtr c = acquire();
  if (!c) return Error::internal("curl_easy_init failed");
  std::string response;
  curl_easy_setopt(c->curl, CURLOPT_URL, u.c_str());
  curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
  curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &response);
  const CURLcode rc = curl_easy_perform(c->curl);
  long status = 0;
  curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK) {
    // The connection state is unknown: do not return it to the pool.
    return unavailable(std::string("clickhouse: ") + curl_easy_strerror(rc) + " (" + opt_.baseUrl + ")");
  }
  release(std::move(c));
  if (status != 200) {
    if (response.size() > kMaxErrorText) response.resize(kMaxErrorText);
    while (!response.empty() && (response.back() == '\n' || response.back() == ' ')) response.pop_back();
    return Error{status >= 500 ? 500 : 502, "CLICKHOUSE_ERROR",
                 "clickhouse: HTTP " + std::to_string(status) + ": " + response, {}};
  }
  return response;
}

Result<std::string> HttpClient::query(std::string_view sql) const {
  return post(url("wait_end_of_query=1", true), sql);
}

Result<std::string> HttpClient::queryServer(std::string_view sql) const {
  return post(url("wait_end_of_query=1", false), sql);
}

Result<std::string> HttpClient::insert(std::string_view sql, std::string_view data) const {
  return post(url("query=" + urlEncode(sql), true), data);
}

}  // namespace dcmms::telemetry::clickhouse
