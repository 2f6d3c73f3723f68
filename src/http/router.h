// Route table: segment trie over route patterns ("/api/v1/sites/{id}/assets"). A literal segment
// beats a capture at the same position (with backtracking), a path that matches a pattern but
// not the method is 405 with the Allow list, anything else 404. HEAD falls back to GET.
// match() does not allocate unless the answer is 405.
//
// Thread safety: add() routes before serving; match() and routes() are then safe from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_types.h"

namespace dcmms::http {

struct MatchResult {
  static constexpr size_t kMaxParams = 8;
  enum class Kind { found, notFound, methodNotAllowed };

  Kind kind = Kind::notFound;
  const Route* route = nullptr;  // when found; valid until the next Router::add
  size_t routeIndex = 0;         // index into Router::routes()
  // Captured segments as raw (still percent-encoded) views into the matched path, named by
  // views into the route table.
  std::array<std::pair<std::string_view, std::string_view>, kMaxParams> params{};
  size_t paramCount = 0;
  std::string allow;  // 405 only: "GET, HEAD, POST"

  bool found() const { return kind == Kind::found; }
};

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Throws std::invalid_argument for a malformed pattern, more than kMaxParams captures or a
  // duplicate method + pattern.
  void add(Route route);
  MatchResult match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Node;
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> paramNames_;  // per route, in capture order
  std::unique_ptr<Node> root_;
};

}  // namespace dcmms::http
