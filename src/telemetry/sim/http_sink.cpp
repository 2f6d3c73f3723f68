#include "telemetry/sim/http_sink.h"

#include <curl/curl.h>
#include <zlib.h>

namespace dcmms::telemetry {

namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

constexpr size_t kMaxResponseBody = 4096;

size_t collectBody(char* data, size_t size, size_t n, void* userdata) {
  auto* body = static_cast<std::string*>(userdata);
  const size_t bytes = size * n;
  if (body->size() < kMaxResponseBody) body->append(data, std::min(bytes, kMaxResponseBody - body->size()));
  return bytes;
}

Error sinkError(std::string message) { return Error{502, "SINK_ERROR", std::move(message), {}}; }

}  // namespace

std::string gzipCompress(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    fail(Error::internal("deflateInit2 failed"));
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) fail(Error::internal("gzip compression failed"));
  return out;
}

struct HttpSink::Impl {
  HttpSinkOptions opts;
  std::unique_ptr<CURL, CurlDeleter> curl;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  std::string body;
  std::string response;
};

HttpSink::HttpSink(HttpSinkOptions opts) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.opts = std::move(opts);
  s.curl.reset(curl_easy_init());
  if (!s.curl) fail(Error::internal("curl_easy_init failed"));
  auto add = [&](const std::string& h) {
    curl_slist* head = curl_slist_append(s.headers.get(), h.c_str());
    if (!head) fail(Error::internal("curl_slist_append failed"));
    (void)s.headers.release();  // same list; head differs only when the list was empty
    s.headers.reset(head);
  };
  add(s.opts.format == HttpBodyFormat::json ? "Content-Type: application/json" : "Content-Type: text/plain; charset=utf-8");
  if (!s.opts.apiKey.empty()) add("X-API-Key: " + s.opts.apiKey);
  if (s.opts.gzip) add("Content-Encoding: gzip");
  add("Expect:");  // no 100-continue round trip for large batches
  CURL* c = s.curl.get();
  curl_easy_setopt(c, CURLOPT_URL, s.opts.url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, s.headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &collectBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &s.response);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s.opts.timeoutMs);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
}

HttpSink::~HttpSink() = default;

Result<size_t> HttpSink::send(std::span<const Point> points) {
  Impl& s = *impl_;
  if (s.opts.format == HttpBodyFormat::json) {
    s.body = encodeTelemetryEvents(points);
  } else {
    s.body.clear();
    appendLineProtocol(s.body, points, s.opts.precision);
  }
  if (s.opts.gzip) s.body = gzipCompress(s.body);
  s.response.clear();
  CURL* c = s.curl.get();
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, s.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(s.body.size()));
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return sinkError("POST " + s.opts.url + ": " + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    return sinkError("POST " + s.opts.url + " answered " + std::to_string(status) + ": " + s.response);
  }
  return s.body.size();
}

std::string HttpSink::describe() const {
  const auto& o = impl_->opts;
  return "POST " + o.url + (o.format == HttpBodyFormat::json ? " (JSON TelemetryEvent)" : " (line protocol)") +
         (o.gzip ? " gzip" : "");
}

}  // namespace dcmms::telemetry
