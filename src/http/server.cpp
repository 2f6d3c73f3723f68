// Listener, io threads, idle sweeps and graceful shutdown. Sessions live in http_session.cpp
// and ws_session.cpp.
#include "http/server.h"

#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "core/log.h"
#include "http/transport.h"

namespace dcmms::http {

namespace detail {

Connection::Connection(Shared& shared, Worker& worker) : shared_(shared), worker_(worker) {
  next = worker_.head;
  if (next) next->prev = this;
  worker_.head = this;
  ++shared_.live;
}

Connection::~Connection() {
  if (prev) prev->next = next;
  if (next) next->prev = prev;
  if (worker_.head == this) worker_.head = next;
  if (--shared_.live == 0 && shared_.stopping) {
    std::lock_guard lock(shared_.drainMu);
    shared_.drainCv.notify_all();
  }
}

}  // namespace detail

using namespace detail;

namespace {

// Thousands of simultaneous connections need thousands of descriptors.
void raiseFileLimit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

constexpr auto kSweepInterval = std::chrono::seconds(1);

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r, Hooks h) : options(std::move(o)), router(r), hooks(std::move(h)) {
    if (options.threads <= 0) options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < options.threads; ++i) workers.push_back(std::make_unique<Worker>(static_cast<size_t>(i)));
  }

  ServerOptions options;
  const Router& router;
  Hooks hooks;
  MetricsRegistry registry;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<Shared> shared;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<net::steady_timer>> sweepTimers;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> acceptBackoff;
  size_t nextWorker = 0;  // only touched on worker 0's thread
  std::atomic<uint16_t> port{0};
  std::mutex stateMu;
  bool started = false;
  bool stopped = false;

  Worker& pickWorker() { return *workers[nextWorker++ % workers.size()]; }

  void handOver(Worker& w, tcp::socket socket) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    net::post(w.ioc, [this, &w, s = std::move(socket)]() mutable { startHttpSession(*shared, w, std::move(s)); });
  }

  void doAccept() {
    Worker& target = pickWorker();
    acceptor->async_accept(net::any_io_executor(target.ioc.get_executor()),
                           [this, &target](beast::error_code ec, tcp::socket socket) {
                             if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
                             if (ec && ec != net::error::connection_aborted) return onAcceptError(ec);
                             if (!ec) handOver(target, std::move(socket));
                             drainBacklog();
                           });
  }

  // One readiness event may stand for thousands of queued connections: take them all now
  // rather than one per event-loop round.
  void drainBacklog() {
    for (int i = 0; i < 65536; ++i) {
      Worker& target = pickWorker();
      beast::error_code ec;
      tcp::socket socket = acceptor->accept(net::any_io_executor(target.ioc.get_executor()), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) break;
      if (ec == net::error::connection_aborted) continue;  // the client gave up first
      if (ec) return onAcceptError(ec);
      handOver(target, std::move(socket));
    }
    doAccept();
  }

  void onAcceptError(beast::error_code ec) {
    // Out of descriptors (EMFILE/ENFILE) or memory: back off instead of spinning.
    log::warn("accept failed", {{"error", ec.message()}});
    acceptBackoff->expires_after(std::chrono::milliseconds(50));
    acceptBackoff->async_wait([this](beast::error_code e) {
      if (!e && acceptor->is_open()) doAccept();
    });
  }

  void armSweep(size_t i) {
    sweepTimers[i]->expires_after(kSweepInterval);
    sweepTimers[i]->async_wait([this, i](beast::error_code ec) {
      if (ec || shared->closing) return;
      const auto now = std::chrono::steady_clock::now();
      workers[i]->forEach([now](Connection& c) { c.sweep(now); });
      armSweep(i);
    });
  }

  void listen() {
    tcp::resolver resolver(workers[0]->ioc);
    const auto results = resolver.resolve(options.host, std::to_string(options.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service);
    const tcp::endpoint ep = results.begin()->endpoint();
    acceptor.emplace(workers[0]->ioc);
    acceptor->open(ep.protocol());
    acceptor->set_option(net::socket_base::reuse_address(true));
    acceptor->bind(ep);
    acceptor->listen(options.backlog);
    acceptor->non_blocking(true);  // for drainBacklog(); async accepts are unaffected
    port = acceptor->local_endpoint().port();
    acceptBackoff.emplace(workers[0]->ioc);
  }

  void run(Worker& w) {
    while (true) {
      try {
        w.ioc.run();
        return;
      } catch (const std::exception& e) {
        log::error("io thread caught exception", {{"error", e.what()}});
      }
    }
  }
};

Server::Server(ServerOptions options, const Router& router, Hooks hooks)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(hooks))) {}

Server::~Server() { stop(std::chrono::milliseconds(0)); }

void Server::start() {
  Impl& s = *impl_;
  std::lock_guard lock(s.stateMu);
  if (s.started) throw std::logic_error("Server::start called twice");
  raiseFileLimit();
  s.dispatcher = std::make_unique<Dispatcher>(s.router, s.hooks, s.options.wsPaths, s.workers.size());
  s.shared = std::make_unique<Shared>(s.options, *s.dispatcher);
  s.shared->wsDropped = &s.registry.counter("dcmms_ws_dropped_messages_total",
                                            "WebSocket messages dropped because a client's queue was full.");
  Shared* shared = s.shared.get();
  s.registry.gaugeFn("dcmms_http_open_connections", "Open HTTP and WebSocket connections.",
                     [shared] { return static_cast<double>(shared->live.load()); });
  s.registry.gaugeFn("dcmms_ws_open_connections", "Open WebSocket connections.",
                     [shared] { return static_cast<double>(shared->wsOpen.load()); });
  const Dispatcher* d = s.dispatcher.get();
  s.registry.addCollector([d](std::string& out) { d->metrics().render(out); });
  s.listen();
  for (size_t i = 0; i < s.workers.size(); ++i) {
    s.guards.push_back(net::make_work_guard(s.workers[i]->ioc));
    s.sweepTimers.push_back(std::make_unique<net::steady_timer>(s.workers[i]->ioc));
    s.armSweep(i);
  }
  s.doAccept();
  for (auto& w : s.workers) s.threads.emplace_back([&s, worker = w.get()] { s.run(*worker); });
  s.started = true;
  log::info("http server listening", {{"host", s.options.host}, {"port", std::to_string(s.port.load())},
                                      {"threads", std::to_string(s.workers.size())}});
}

uint16_t Server::port() const { return impl_->port.load(); }

MetricsRegistry& Server::metrics() { return impl_->registry; }

size_t Server::openConnections() const { return impl_->shared ? impl_->shared->live.load() : 0; }

void Server::stop(std::chrono::milliseconds drain) {
  Impl& s = *impl_;
  std::lock_guard lock(s.stateMu);
  if (!s.started || s.stopped) return;
  for (const auto& t : s.threads) {
    if (t.get_id() == std::this_thread::get_id()) throw std::logic_error("Server::stop called on an io thread");
  }
  s.stopped = true;
  Shared& shared = *s.shared;
  shared.stopping = true;

  // 1. Stop accepting; close idle keep-alive connections, ask the rest to finish.
  net::post(s.workers[0]->ioc, [&s] {
    beast::error_code ec;
    s.acceptor->close(ec);
    s.acceptBackoff->cancel();
  });
  for (auto& w : s.workers) {
    net::post(w->ioc, [worker = w.get()] { worker->forEach([](Connection& c) { c.shutdown(); }); });
  }
  // 2. Wait for in-flight work, at most `drain`.
  {
    std::unique_lock drainLock(shared.drainMu);
    shared.drainCv.wait_for(drainLock, drain, [&] { return shared.live.load() == 0; });
  }
  // 3. Stop the threads.
  shared.closing = true;
  for (auto& g : s.guards) g.reset();
  for (auto& w : s.workers) w->ioc.stop();
  for (auto& t : s.threads) t.join();
  // 4. On this thread: close what is left and let every handler unwind, so connections (and
  // WebSocket onClose callbacks) finish before the io_contexts go away.
  for (size_t i = 0; i < s.workers.size(); ++i) {
    Worker& w = *s.workers[i];
    beast::error_code ec;
    if (i == 0) s.acceptor->close(ec);
    if (i == 0) s.acceptBackoff->cancel();
    s.sweepTimers[i]->cancel();
    w.forEach([](Connection& c) { c.abort(); });
    w.ioc.restart();
    s.run(w);
  }
  log::info("http server stopped", {{"open", std::to_string(shared.live.load())}});
}

}  // namespace dcmms::http
