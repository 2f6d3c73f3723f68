// Table: one immutable file inside a partition directory holding blocks (raw chunks or
// roll-up partial blocks) of many series, an index and a footer (FORMAT.md §Table).
// A table's name "<lo>-<hi>.tbl" is the range of checkpoint sequence numbers whose data it
// holds: a flush writes <n>-<n>, a compaction of <a>-<b> ... <c>-<d> writes <a>-<d>, and a
// table whose range lies inside another's is a leftover to delete on open.
// TableReader is immutable after open and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/tsdb/env.h"

namespace dcmms::telemetry::tsdb {

inline constexpr uint64_t kTableMagic = 0x31424C5442445354ull;  // "TSDBTBL1"
inline constexpr size_t kTableFooterSize = 24;

struct TableEntry {
  SeriesId series = 0;
  int64_t minTs = 0;
  int64_t maxTs = 0;
  uint32_t count = 0;
  uint64_t offset = 0;
  uint32_t length = 0;  // payload + 4-byte crc
};

struct TableName {
  uint64_t lo = 0, hi = 0;
  std::string str() const;
  static bool parse(std::string_view name, TableName& out);
};

class TableWriter {
 public:
  TableWriter(Env& env, std::string path) : env_(env), path_(std::move(path)) {}
  Status open();
  // Blocks must be added in (series, minTs) order.
  Status add(SeriesId series, int64_t minTs, int64_t maxTs, uint32_t count, std::string_view payload);
  // Writes index and footer, fsyncs and renames the temp file into place. Returns file size.
  Result<uint64_t> finish();
  size_t entries() const { return index_.size(); }

 private:
  Env& env_;
  std::string path_;
  std::unique_ptr<WritableFile> file_;
  std::vector<TableEntry> index_;
  uint64_t offset_ = 0;
  std::string scratch_;
};

class TableReader {
 public:
  static Result<std::shared_ptr<const TableReader>> open(Env& env, const std::string& path, TableName name);
  // Entries of one series, ordered by minTs.
  std::pair<const TableEntry*, const TableEntry*> find(SeriesId series) const;
  const std::vector<TableEntry>& entries() const { return index_; }
  // Reads and checks one block; returns the payload.
  Result<std::string> read(const TableEntry& e) const;
  const std::string& path() const { return path_; }
  const TableName& name() const { return name_; }
  uint64_t fileSize() const { return file_->size(); }

 private:
  std::string path_;
  TableName name_;
  std::unique_ptr<RandomAccessFile> file_;
  std::vector<TableEntry> index_;
};

}  // namespace dcmms::telemetry::tsdb
