// Transport-neutral HTTP request/response types and the route table. Nothing here includes
// Beast or Asio: src/api and the services compile without them (see CMake DCMMS_ASIO_DEFS).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dcmms::http {

struct RouteInfo;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // upper case: GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD
  std::string target;  // raw request target, e.g. "/api/v1/work-orders?page=2"
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order of appearance
  HeaderList headers;  // names as received
  std::string body;
  std::string remoteIp;
  std::vector<std::pair<std::string, std::string>> pathParams;  // filled by the router
  std::string routePattern;                                     // e.g. "/api/v1/work-orders/{id}"
  const RouteInfo* routeInfo = nullptr;  // the matched route's metadata; null when unmatched
  // X-Request-ID as received (sanitised, at most 128 chars) or a new UUID; echoed in the response.
  std::string requestId;
  // Headers the application wants on whatever response this request ends with (e.g. rate-limit
  // headers on an error response); the API layer's after-hook copies them.
  HeaderList extraResponseHeaders;

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const;
  std::optional<std::string> queryParam(std::string_view name) const;
  std::string_view param(std::string_view name) const;  // path parameter
};

struct Response {
  int status = 200;
  std::string contentType = "application/json";
  HeaderList headers;
  std::string body;
  // When set, the server streams this file as the body (attachments, exports).
  std::string filePath;

  void setHeader(std::string name, std::string value);
};

using Handler = std::function<Response(Request&)>;

// Route metadata feeds the OpenAPI document so it cannot drift from the routes.
struct RouteInfo {
  std::string summary;
  std::string tag;
  bool authenticated = true;
  std::string requestSchema;   // name of a schema in the OpenAPI components, optional
  std::string responseSchema;  // idem
  std::vector<std::string> queryParams;
  int successStatus = 200;
};

struct Route {
  std::string method;
  std::string pattern;  // segments; "{name}" captures one segment
  Handler handler;
  RouteInfo info;
  // Multipart upload routes may carry bodies up to ServerOptions::maxUploadBytes instead of
  // ServerOptions::maxBodyBytes.
  bool upload = false;
};

}  // namespace dcmms::http
