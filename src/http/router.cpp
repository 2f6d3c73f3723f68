#include "http/router.h"

#include <stdexcept>

namespace dcmms::http {
namespace {
using MethodList = std::vector<std::pair<std::string, size_t>>;
}  // namespace

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
  std::unique_ptr<Node> capture;
  MethodList methods;  // method → route index

  const size_t* find(std::string_view method) const {
    for (const auto& [m, idx] : methods) {
      if (m == method) return &idx;
    }
    return nullptr;
  }
};

namespace {

// Splits "/a/b" into "a", "b"; "/" has no segments. Calls f(segment) for each.
template <typename F>
void forEachSegment(std::string_view path, F&& f) {
  if (path.size() <= 1) return;
  std::string_view rest = path.substr(1);
  while (true) {
    const size_t slash = rest.find('/');
    f(rest.substr(0, slash));
    if (slash == std::string_view::npos) return;
    rest.remove_prefix(slash + 1);
  }
}

struct Walk {
  std::string_view method;
  std::array<std::string_view, MatchResult::kMaxParams> caps{};
  std::array<const MethodList*, 8> pathOnly{};  // nodes matching the path but not the method
  size_t pathOnlyCount = 0;
  size_t foundRoute = 0;
  size_t foundCaps = 0;
};

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
  }
  if (route.method.empty()) throw std::invalid_argument("route without method: " + route.pattern);
  Node* node = root_.get();
  std::vector<std::string> names;
  forEachSegment(route.pattern, [&](std::string_view seg) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      if (names.size() == MatchResult::kMaxParams) {
        throw std::invalid_argument("too many captures: " + route.pattern);
      }
      names.emplace_back(seg.substr(1, seg.size() - 2));
      if (!node->capture) node->capture = std::make_unique<Node>();
      node = node->capture.get();
      return;
    }
    if (seg.empty() || seg.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("malformed route pattern: " + route.pattern);
    }
    for (auto& [lit, child] : node->literals) {
      if (lit == seg) {
        node = child.get();
        return;
      }
    }
    node->literals.emplace_back(std::string(seg), std::make_unique<Node>());
    node = node->literals.back().second.get();
  });
  if (node->find(route.method)) {
    throw std::invalid_argument("duplicate route: " + route.method + " " + route.pattern);
  }
  node->methods.emplace_back(route.method, routes_.size());
  routes_.push_back(std::move(route));
  paramNames_.push_back(std::move(names));
}

namespace {

// Depth-first over the trie; literal children before the capture child. Returns true once a
// node matching both path and method is found.
template <typename NodeT>
bool walk(const NodeT& node, std::string_view rest, bool consumed, size_t depth, Walk& w) {
  if (consumed) {
    if (node.methods.empty()) return false;
    const size_t* idx = node.find(w.method);
    if (!idx && w.method == "HEAD") idx = node.find("GET");
    if (idx) {
      w.foundRoute = *idx;
      w.foundCaps = depth;
      return true;
    }
    if (w.pathOnlyCount < w.pathOnly.size()) w.pathOnly[w.pathOnlyCount++] = &node.methods;
    return false;
  }
  const size_t slash = rest.find('/');
  const std::string_view seg = rest.substr(0, slash);
  const bool last = slash == std::string_view::npos;
  const std::string_view next = last ? std::string_view{} : rest.substr(slash + 1);
  for (const auto& [lit, child] : node.literals) {
    if (lit == seg && walk(*child, next, last, depth, w)) return true;
  }
  if (node.capture && !seg.empty() && depth < w.caps.size()) {
    w.caps[depth] = seg;
    if (walk(*node.capture, next, last, depth + 1, w)) return true;
  }
  return false;
}

void appendAllow(std::string& allow, std::string_view method) {
  for (size_t pos = 0; pos < allow.size();) {
    const size_t end = allow.find(", ", pos);
    if (allow.substr(pos, end - pos) == method) return;
    if (end == std::string::npos) break;
    pos = end + 2;
  }
  if (!allow.empty()) allow += ", ";
  allow += method;
}

}  // namespace

MatchResult Router::match(std::string_view method, std::string_view path) const {
  MatchResult r;
  if (path.empty() || path.front() != '/') return r;
  Walk w;
  w.method = method;
  const bool consumed = path.size() == 1;
  if (walk(*root_, consumed ? std::string_view{} : path.substr(1), consumed, 0, w)) {
    r.kind = MatchResult::Kind::found;
    r.routeIndex = w.foundRoute;
    r.route = &routes_[w.foundRoute];
    const auto& names = paramNames_[w.foundRoute];
    r.paramCount = w.foundCaps;
    for (size_t i = 0; i < w.foundCaps; ++i) r.params[i] = {names[i], w.caps[i]};
    return r;
  }
  if (w.pathOnlyCount == 0) return r;
  r.kind = MatchResult::Kind::methodNotAllowed;
  for (size_t i = 0; i < w.pathOnlyCount; ++i) {
    for (const auto& [m, idx] : *w.pathOnly[i]) {
      appendAllow(r.allow, m);
      if (m == "GET") appendAllow(r.allow, "HEAD");
    }
  }
  return r;
}

}  // namespace dcmms::http
