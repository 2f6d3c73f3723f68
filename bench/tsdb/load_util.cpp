#include "load_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace dcmms::bench {

std::vector<Asset> readAssets(const std::string& path) {
  std::ifstream in(path);
  std::vector<Asset> out;
  Asset a;
  while (in >> a.site >> a.asset) out.push_back(a);
  if (out.empty()) throw std::runtime_error("no assets in " + path);
  return out;
}

int connectTo(const std::string& host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void sendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    off += static_cast<size_t>(n);
  }
}

// Reads one response (headers + Content-Length body); returns the status code and the body.
int readResponse(int fd, std::string& buf, std::string& body) {
  size_t headerEnd;
  while ((headerEnd = buf.find("\r\n\r\n")) == std::string::npos) {
    char tmp[8192];
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) throw std::runtime_error("connection closed");
    buf.append(tmp, static_cast<size_t>(n));
  }
  const int status = std::atoi(buf.c_str() + 9);
  size_t length = 0;
  for (const char* name : {"Content-Length: ", "content-length: "})
    if (auto at = buf.find(name); at != std::string::npos && at < headerEnd) length = std::stoul(buf.substr(at + 16));
  const size_t total = headerEnd + 4 + length;
  while (buf.size() < total) {
    char tmp[8192];
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) throw std::runtime_error("connection closed");
    buf.append(tmp, static_cast<size_t>(n));
  }
  body = buf.substr(headerEnd + 4, length);
  buf.erase(0, total);
  return status;
}


int64_t storedPoints(const std::string& host, int port, const std::string& apiKey, const std::string& assetId) {
  const int fd = connectTo(host, port);
  sendAll(fd, "GET /api/v1/telemetry/stats?assetId=" + assetId + " HTTP/1.1\r\nHost: " + host + "\r\nX-API-Key: " + apiKey +
                  "\r\nConnection: close\r\n\r\n");
  std::string buf, body;
  const int status = readResponse(fd, buf, body);
  ::close(fd);
  const auto at = body.find("\"points\":");
  if (status != 200 || at == std::string::npos) throw std::runtime_error("stats failed: " + body.substr(0, 300));
  return std::stoll(body.substr(at + 9));
}

}  // namespace dcmms::bench
