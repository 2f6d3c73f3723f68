// A small synchronous Beast client for the server tests. Reads time out after 5 s so a broken
// server fails the test instead of hanging it.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <utility>
#include <vector>

namespace dcmms::http::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using ClientResponse = bhttp::response<bhttp::string_body>;

inline void setReadTimeout(tcp::socket& s, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

class Client {
 public:
  explicit Client(uint16_t port) : socket_(ioc_) {
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
    setReadTimeout(socket_, 5);
  }

  ClientResponse request(bhttp::verb method, std::string target, std::string body = {},
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    send(method, std::move(target), std::move(body), std::move(headers));
    return read();
  }

  void send(bhttp::verb method, std::string target, std::string body = {},
            std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == bhttp::verb::post || method == bhttp::verb::put) {
      req.body() = std::move(body);
      req.prepare_payload();
    }
    bhttp::write(socket_, req);
  }

  ClientResponse read() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(100u << 20);
    if (headOnly_) parser.skip(true);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }

  // True when the server has closed the connection (EOF on the next read).
  bool closedByServer() {
    char c;
    beast::error_code ec;
    socket_.read_some(net::buffer(&c, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

  void writeRaw(std::string_view data) { net::write(socket_, net::buffer(data.data(), data.size())); }
  void expectHeadResponse(bool v) { headOnly_ = v; }
  tcp::socket& socket() { return socket_; }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  bool headOnly_ = false;
};

}  // namespace dcmms::http::test
