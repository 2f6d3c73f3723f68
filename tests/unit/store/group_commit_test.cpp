#include "store/group_commit.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace dcmms::store {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dcmms-gc-XXXXXX";
    dir_ = mkdtemp(tmpl);
    db_ = Database::open("", dir_);
    db_->connection().execScript("CREATE TABLE t (id BIGINT PRIMARY KEY, who TEXT NOT NULL)");
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(GroupCommitTest, ConcurrentUnitsCommitAndAFailingUnitRollsBackAlone) {
  GroupCommitter gc(*db_);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const int64_t id = t * 1000 + i;
        try {
          gc.run([&](SqlConnection& c) {
            c.exec("INSERT INTO t (id, who) VALUES (?, ?)", {id, "unit"});
            if (i % 10 == 7) throw std::runtime_error("refused");  // rolled back to its savepoint
          });
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "refused");
          ++failures;
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 8 * 5);
  EXPECT_EQ(db_->connection().queryInt("SELECT COUNT(*) FROM t").value_or(-1), 8 * 45);
  EXPECT_EQ(db_->connection().queryInt("SELECT COUNT(*) FROM t WHERE id % 1000 % 10 = 7").value_or(-1), 0);
}

TEST_F(GroupCommitTest, ConstraintViolationReachesTheCaller) {
  GroupCommitter gc(*db_);
  gc.run([](SqlConnection& c) { c.exec("INSERT INTO t (id, who) VALUES (1, 'a')"); });
  EXPECT_THROW(gc.run([](SqlConnection& c) { c.exec("INSERT INTO t (id, who) VALUES (1, 'b')"); }), UniqueViolation);
  EXPECT_EQ(db_->connection().queryString("SELECT who FROM t WHERE id = 1").value_or(""), "a");
}

}  // namespace
}  // namespace dcmms::store
