// Write-ahead log: numbered segment files of framed, checksummed records (FORMAT.md §WAL).
//
// Group commit (leader/follower): append() copies a framed record into the pending buffer
// under a short lock and returns a ticket; sync(ticket) either finds the ticket durable,
// waits for the leader already writing, or becomes the leader itself: it takes everything
// pending (at most maxGroupBytes, whole records), writes it with one write() per segment and
// one fdatasync, and wakes every follower whose ticket it covered. A flush therefore starts
// as soon as any writer waits; there is no timer. With sync disabled (fast mode) the leader
// still write()s the group to the OS, so data survives a process crash but not power loss.
//
// A failed write or fsync is sticky: the log's state is unknown, so every later sync()
// returns the same error until the store is reopened (which replays what is intact).
// Records never span segments. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/tsdb/env.h"

namespace dcmms::telemetry::tsdb {

inline constexpr size_t kWalHeaderSize = 9;  // u32 length, u32 crc32c(type+payload), u8 type

struct WalOptions {
  uint64_t segmentBytes = 128ull << 20;
  uint64_t maxGroupBytes = 32ull << 20;  // upper bound of one write+fsync round
  bool sync = true;                      // false = fast mode (no fsync)
};

std::string walSegmentPath(const std::string& dir, uint64_t segment);
// Segment numbers found in dir, ascending.
Result<std::vector<uint64_t>> listWalSegments(Env& env, const std::string& dir);

class WalWriter {
 public:
  WalWriter(Env& env, std::string dir, WalOptions options);
  ~WalWriter();
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  // Starts writing at a fresh segment number (existing segments are never appended to).
  Status open(uint64_t firstSegment);
  // Queues one record; returns the ticket to pass to sync().
  uint64_t append(uint8_t type, std::string_view payload);
  // Returns once every record up to ticket is durable (or written, in fast mode).
  Status sync(uint64_t ticket);
  Status syncAll() { return sync(lastTicket()); }
  uint64_t lastTicket() const;
  // Sends later appends to a new segment; returns {new segment number, last ticket before it}.
  std::pair<uint64_t, uint64_t> rotate();
  Status close();
  std::optional<Error> stickyError() const;

 private:
  struct Group {
    uint64_t segment;
    std::string bytes;
    uint64_t endTicket;
  };
  Status writeGroups(std::vector<Group>& groups);

  Env& env_;
  const std::string dir_;
  const WalOptions opt_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Group> pending_;
  uint64_t appendSegment_ = 0;
  uint64_t appendSegmentBytes_ = 0;
  uint64_t nextTicket_ = 0;
  uint64_t durable_ = 0;
  bool leaderActive_ = false;
  std::optional<Error> error_;
  // Touched only by the current leader (and open/close):
  std::unique_ptr<WritableFile> file_;
  uint64_t fileSegment_ = 0;
};

struct WalReadStats {
  uint64_t records = 0;
  uint64_t validBytes = 0;
  bool tornTail = false;  // stopped at a truncated or corrupt record
};

// Calls fn(type, payload) for every intact record of one segment, in order, and stops at
// the first damaged one (a torn tail after a crash). fn returning an error aborts.
Result<WalReadStats> readWalSegment(Env& env, const std::string& path,
                                    const std::function<Status(uint8_t, std::string_view)>& fn);

}  // namespace dcmms::telemetry::tsdb
