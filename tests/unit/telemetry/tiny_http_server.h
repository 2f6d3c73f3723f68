// Test helper: a minimal HTTP/1.1 server on a loopback port that records requests (headers,
// body) and answers each with a fixed status; keeps connections alive.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dcmms::telemetry::testutil {

struct HttpRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class TinyHttpServer {
 public:
  explicit TinyHttpServer(int status = 204) : status_(status) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(listenFd_, 16);
    thread_ = std::thread([this] { serve(); });
  }

  ~TinyHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(listenFd_);
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void setStatus(int status) { status_ = status; }
  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int connections() const { return connections_; }

 private:
  void serve() {
    std::vector<std::pair<int, std::string>> conns;  // fd, unread bytes
    while (!stop_) {
      std::vector<pollfd> fds{{listenFd_, POLLIN, 0}};
      for (auto& c : conns) fds.push_back({c.first, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int fd = ::accept(listenFd_, nullptr, nullptr);
        if (fd >= 0) {
          conns.emplace_back(fd, std::string());
          ++connections_;
        }
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        auto& [fd, buf] = conns[i - 1];
        char chunk[65536];
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
          ::close(fd);
          fd = -1;
          continue;
        }
        buf.append(chunk, static_cast<size_t>(n));
        while (handleOne(fd, buf)) {
        }
      }
      std::erase_if(conns, [](const auto& c) { return c.first < 0; });
    }
    for (auto& c : conns) ::close(c.first);
  }

  // Parses one complete request from buf, answers it; false when incomplete.
  bool handleOne(int fd, std::string& buf) {
    const size_t end = buf.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    HttpRequest req;
    size_t lineEnd = buf.find("\r\n");
    std::string first = buf.substr(0, lineEnd);
    req.method = first.substr(0, first.find(' '));
    req.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
    size_t pos = lineEnd + 2;
    while (pos < end) {
      size_t e = buf.find("\r\n", pos);
      std::string line = buf.substr(pos, e - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      req.headers[name] = value;
      pos = e + 2;
    }
    size_t length = req.headers.count("content-length") ? std::stoul(req.headers["content-length"]) : 0;
    if (buf.size() < end + 4 + length) return false;
    req.body = buf.substr(end + 4, length);
    buf.erase(0, end + 4 + length);
    {
      std::lock_guard lock(mu_);
      requests_.push_back(std::move(req));
    }
    const int status = status_;
    std::string resp = "HTTP/1.1 " + std::to_string(status) + (status < 300 ? " OK" : " Error") + "\r\n";
    std::string body = status < 300 ? "" : "{\"error\":\"rejected\"}";
    if (status != 204) resp += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    resp += "\r\n" + body;
    ::send(fd, resp.data(), resp.size(), MSG_NOSIGNAL);
    return true;
  }

  std::atomic<int> status_;
  int listenFd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<HttpRequest> requests_;
  std::thread thread_;
};

}  // namespace dcmms::telemetry::testutil
