// Group commit for small write transactions: callers hand a unit of work to one writer thread,
// which runs everything that queued up meanwhile inside one transaction (each unit in its own
// savepoint) and commits once. Many creates then share the B-tree page writes of one commit
// instead of each rewriting the same index pages. A unit that throws is rolled back to its
// savepoint and its exception is rethrown to its caller; the others still commit.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sql.h"

namespace dcmms::store {

class GroupCommitter {
 public:
  explicit GroupCommitter(Database& db, size_t maxBatch = 256);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs work(connection) on the writer thread inside a shared transaction and returns once it
  // is committed; rethrows what work threw (or the commit failure).
  void run(const std::function<void(SqlConnection&)>& work);

 private:
  struct Item {
    const std::function<void(SqlConnection&)>* work = nullptr;
    std::exception_ptr error;
    bool done = false;
  };
  void loop();

  std::unique_ptr<SqlConnection> conn_;
  const size_t maxBatch_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::deque<Item*> queue_;
  bool stop_ = false;
  std::thread writer_;
};

}  // namespace dcmms::store
