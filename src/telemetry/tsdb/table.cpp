#include "telemetry/tsdb/table.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "telemetry/tsdb/coding.h"
#include "telemetry/tsdb/crc32c.h"

namespace dcmms::telemetry::tsdb {

std::string TableName::str() const {
  char b[64];
  std::snprintf(b, sizeof b, "%08" PRIu64 "-%08" PRIu64 ".tbl", lo, hi);
  return b;
}

bool TableName::parse(std::string_view name, TableName& out) {
  if (name.size() < 5 || name.substr(name.size() - 4) != ".tbl") return false;
  const std::string s(name.substr(0, name.size() - 4));
  uint64_t lo, hi;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%" SCNu64 "-%" SCNu64 "%n", &lo, &hi, &consumed) != 2 ||
      consumed != static_cast<int>(s.size()) || lo > hi)
    return false;
  out = TableName{lo, hi};
  return true;
}

Status TableWriter::open() {
  auto f = env_.newWritableFile(path_ + ".tmp");
  if (!f) return f.error();
  file_ = std::move(f.value());
  return Ok{};
}

Status TableWriter::add(SeriesId series, int64_t minTs, int64_t maxTs, uint32_t count, std::string_view payload) {
  scratch_.assign(payload);
  putFixed32(scratch_, crc32c::value(payload));
  if (auto s = file_->append(scratch_); !s) return s;
  index_.push_back(TableEntry{series, minTs, maxTs, count, offset_, static_cast<uint32_t>(scratch_.size())});
  offset_ += scratch_.size();
  return Ok{};
}

Result<uint64_t> TableWriter::finish() {
  std::string idx;
  putVarint(idx, index_.size());
  for (const auto& e : index_) {
    putVarint(idx, e.series);
    putVarsigned(idx, e.minTs);
    putVarint(idx, static_cast<uint64_t>(e.maxTs) - static_cast<uint64_t>(e.minTs));
    putVarint(idx, e.count);
    putVarint(idx, e.offset);
    putVarint(idx, e.length);
  }
  std::string footer;
  putFixed64(footer, offset_);
  putFixed32(footer, static_cast<uint32_t>(idx.size()));
  putFixed32(footer, crc32c::value(idx));
  putFixed64(footer, kTableMagic);
  if (auto s = file_->append(idx); !s) return s.error();
  if (auto s = file_->append(footer); !s) return s.error();
  if (auto s = file_->sync(); !s) return s.error();
  if (auto s = file_->close(); !s) return s.error();
  if (auto s = env_.rename(path_ + ".tmp", path_); !s) return s.error();
  return offset_ + idx.size() + footer.size();
}

Result<std::shared_ptr<const TableReader>> TableReader::open(Env& env, const std::string& path, TableName name) {
  auto f = env.newRandomAccessFile(path);
  if (!f) return f.error();
  auto t = std::make_shared<TableReader>();
  t->path_ = path;
  t->name_ = name;
  t->file_ = std::move(f.value());
  const uint64_t size = t->file_->size();
  if (size < kTableFooterSize) return corruption("table too short: " + path);
  char footer[kTableFooterSize];
  if (auto s = t->file_->read(size - kTableFooterSize, kTableFooterSize, footer); !s) return s.error();
  const uint64_t idxOff = loadFixed64(footer);
  const uint32_t idxLen = loadFixed32(footer + 8);
  const uint32_t idxCrc = loadFixed32(footer + 12);
  if (loadFixed64(footer + 16) != kTableMagic || idxOff + idxLen + kTableFooterSize != size)
    return corruption("bad table footer: " + path);
  std::string idx(idxLen, '\0');
  if (auto s = t->file_->read(idxOff, idxLen, idx.data()); !s) return s.error();
  if (crc32c::value(idx) != idxCrc) return corruption("table index checksum mismatch: " + path);
  Decoder d(idx);
  uint64_t n;
  if (!d.varint(n) || n > idxLen) return corruption("bad table index: " + path);
  t->index_.resize(n);
  for (auto& e : t->index_) {
    uint64_t series, span, count, offset, length;
    if (!d.varint(series) || !d.varsigned(e.minTs) || !d.varint(span) || !d.varint(count) || !d.varint(offset) ||
        !d.varint(length) || offset + length > idxOff || length < 4)
      return corruption("bad table index entry: " + path);
    e.series = static_cast<SeriesId>(series);
    e.maxTs = static_cast<int64_t>(static_cast<uint64_t>(e.minTs) + span);
    e.count = static_cast<uint32_t>(count);
    e.offset = offset;
    e.length = static_cast<uint32_t>(length);
  }
  return std::shared_ptr<const TableReader>(std::move(t));
}

std::pair<const TableEntry*, const TableEntry*> TableReader::find(SeriesId series) const {
  auto lo = std::lower_bound(index_.begin(), index_.end(), series,
                             [](const TableEntry& e, SeriesId s) { return e.series < s; });
  auto hi = lo;
  while (hi != index_.end() && hi->series == series) ++hi;
  return {index_.data() + (lo - index_.begin()), index_.data() + (hi - index_.begin())};
}

Result<std::string> TableReader::read(const TableEntry& e) const {
  std::string buf(e.length, '\0');
  if (auto s = file_->read(e.offset, e.length, buf.data()); !s) return s.error();
  const uint32_t crc = loadFixed32(buf.data() + e.length - 4);
  buf.resize(e.length - 4);
  if (crc32c::value(buf) != crc) return corruption("block checksum mismatch in " + path_);
  return buf;
}

}  // namespace dcmms::telemetry::tsdb
