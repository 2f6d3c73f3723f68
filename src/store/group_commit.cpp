#include "store/group_commit.h"

#include <vector>

namespace dcmms::store {

GroupCommitter::GroupCommitter(Database& db, size_t maxBatch)
    : conn_(db.connect()), maxBatch_(maxBatch), writer_([this] { loop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void GroupCommitter::run(const std::function<void(SqlConnection&)>& work) {
  Item item;
  item.work = &work;
  std::unique_lock lock(mu_);
  if (stop_) throw SqlError("group committer is stopped");
  queue_.push_back(&item);
  wake_.notify_one();
  done_.wait(lock, [&] { return item.done; });
  if (item.error) std::rethrow_exception(item.error);
}

void GroupCommitter::loop() {
  std::vector<Item*> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty() && stop_) return;
      while (!queue_.empty() && batch.size() < maxBatch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    std::exception_ptr commitError;
    try {
      conn_->begin();
      for (Item* it : batch) {
        conn_->exec("SAVEPOINT unit");
        try {
          (*it->work)(*conn_);
          conn_->exec("RELEASE SAVEPOINT unit");
        } catch (...) {
          it->error = std::current_exception();
          conn_->exec("ROLLBACK TO SAVEPOINT unit");
          conn_->exec("RELEASE SAVEPOINT unit");
        }
      }
      conn_->commit();
    } catch (...) {
      commitError = std::current_exception();
      try {
        conn_->rollback();
      } catch (...) {
      }
    }
    {
      std::lock_guard lock(mu_);
      for (Item* it : batch) {
        if (commitError) it->error = commitError;
        it->done = true;
      }
    }
    done_.notify_all();
    batch.clear();
  }
}

}  // namespace dcmms::store
