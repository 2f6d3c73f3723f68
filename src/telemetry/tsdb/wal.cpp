#include "telemetry/tsdb/wal.h"

#include <cinttypes>
#include <cstdio>

#include "telemetry/tsdb/coding.h"
#include "telemetry/tsdb/crc32c.h"

namespace dcmms::telemetry::tsdb {

std::string walSegmentPath(const std::string& dir, uint64_t segment) {
  char name[32];
  std::snprintf(name, sizeof name, "%08" PRIu64 ".wal", segment);
  return dir + "/" + name;
}

Result<std::vector<uint64_t>> listWalSegments(Env& env, const std::string& dir) {
  auto names = env.listDir(dir);
  if (!names) return names.error();
  std::vector<uint64_t> out;
  for (const auto& n : names.value()) {
    uint64_t seg;
    char tail[8];
    if (n.size() == 12 && std::sscanf(n.c_str(), "%8" SCNu64 "%4s", &seg, tail) == 2 && std::string(tail) == ".wal")
      out.push_back(seg);
  }
  return out;
}

WalWriter::WalWriter(Env& env, std::string dir, WalOptions options)
    : env_(env), dir_(std::move(dir)), opt_(options) {}

WalWriter::~WalWriter() { (void)close(); }

Status WalWriter::open(uint64_t firstSegment) {
  std::lock_guard l(mu_);
  appendSegment_ = firstSegment;
  appendSegmentBytes_ = 0;
  auto f = env_.newWritableFile(walSegmentPath(dir_, firstSegment));
  if (!f) return f.error();
  file_ = std::move(f.value());
  fileSegment_ = firstSegment;
  return env_.syncDir(dir_);
}

uint64_t WalWriter::append(uint8_t type, std::string_view payload) {
  const uint64_t size = kWalHeaderSize + payload.size();
  std::lock_guard l(mu_);
  if (appendSegmentBytes_ > 0 && appendSegmentBytes_ + size > opt_.segmentBytes) {
    ++appendSegment_;
    appendSegmentBytes_ = 0;
  }
  if (pending_.empty() || pending_.back().segment != appendSegment_ ||
      pending_.back().bytes.size() >= opt_.maxGroupBytes) {
    pending_.push_back(Group{appendSegment_, {}, 0});
    pending_.back().bytes.reserve(std::min<uint64_t>(opt_.maxGroupBytes, 1 << 20));
  }
  std::string& b = pending_.back().bytes;
  uint32_t crc = crc32c::extend(0, reinterpret_cast<const char*>(&type), 1);
  crc = crc32c::extend(crc, payload.data(), payload.size());
  putFixed32(b, static_cast<uint32_t>(payload.size()));
  putFixed32(b, crc);
  b.push_back(static_cast<char>(type));
  b.append(payload);
  nextTicket_ += size;
  appendSegmentBytes_ += size;
  pending_.back().endTicket = nextTicket_;
  return nextTicket_;
}

uint64_t WalWriter::lastTicket() const {
  std::lock_guard l(mu_);
  return nextTicket_;
}

std::pair<uint64_t, uint64_t> WalWriter::rotate() {
  std::lock_guard l(mu_);
  ++appendSegment_;
  appendSegmentBytes_ = 0;
  return {appendSegment_, nextTicket_};
}

std::optional<Error> WalWriter::stickyError() const {
  std::lock_guard l(mu_);
  return error_;
}

Status WalWriter::sync(uint64_t ticket) {
  std::unique_lock l(mu_);
  for (;;) {
    if (durable_ >= ticket) return Ok{};
    if (error_) return *error_;
    if (leaderActive_) {
      cv_.wait(l);
      continue;
    }
    leaderActive_ = true;
    std::vector<Group> batch;
    uint64_t bytes = 0;
    while (!pending_.empty() && (batch.empty() || bytes + pending_.front().bytes.size() <= opt_.maxGroupBytes)) {
      bytes += pending_.front().bytes.size();
      batch.push_back(std::move(pending_.front()));
      pending_.pop_front();
    }
    l.unlock();
    Status s = batch.empty() ? Status(Ok{}) : writeGroups(batch);
    l.lock();
    leaderActive_ = false;
    if (!s) error_ = s.error();
    else if (!batch.empty()) durable_ = batch.back().endTicket;
    cv_.notify_all();
  }
}

Status WalWriter::writeGroups(std::vector<Group>& groups) {
  for (auto& g : groups) {
    if (!file_ || g.segment != fileSegment_) {
      if (file_) {
        if (auto s = opt_.sync ? file_->sync() : file_->flush(); !s) return s;
        if (auto s = file_->close(); !s) return s;
      }
      auto f = env_.newWritableFile(walSegmentPath(dir_, g.segment));
      if (!f) return f.error();
      file_ = std::move(f.value());
      fileSegment_ = g.segment;
      if (opt_.sync) {
        if (auto s = env_.syncDir(dir_); !s) return s;
      }
    }
    if (auto s = file_->append(g.bytes); !s) return s;
  }
  return opt_.sync ? file_->sync() : file_->flush();
}

Status WalWriter::close() {
  std::unique_lock l(mu_);
  cv_.wait(l, [&] { return !leaderActive_; });
  if (!file_) return Ok{};
  Status s = Ok{};
  if (!pending_.empty() && !error_) {
    std::vector<Group> batch(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
    pending_.clear();
    s = writeGroups(batch);
    if (s) durable_ = batch.back().endTicket;
  }
  if (s) s = opt_.sync ? file_->sync() : file_->flush();
  auto c = file_->close();
  file_.reset();
  return s ? c : s;
}

Result<WalReadStats> readWalSegment(Env& env, const std::string& path,
                                    const std::function<Status(uint8_t, std::string_view)>& fn) {
  auto data = env.readFile(path);
  if (!data) return data.error();
  const std::string& d = data.value();
  WalReadStats st;
  size_t pos = 0;
  while (pos < d.size()) {
    if (d.size() - pos < kWalHeaderSize) {
      st.tornTail = true;
      break;
    }
    const uint32_t len = loadFixed32(d.data() + pos);
    const uint32_t crc = loadFixed32(d.data() + pos + 4);
    if (d.size() - pos - kWalHeaderSize < len) {
      st.tornTail = true;
      break;
    }
    const char* body = d.data() + pos + 8;  // type byte + payload
    if (crc32c::extend(0, body, len + 1) != crc) {
      st.tornTail = true;
      break;
    }
    if (auto s = fn(static_cast<uint8_t>(body[0]), std::string_view(body + 1, len)); !s) return s.error();
    pos += kWalHeaderSize + len;
    ++st.records;
  }
  st.validBytes = pos;
  return st;
}

}  // namespace dcmms::telemetry::tsdb
