#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>
#include <yieldpipe/io/printable.hpp>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/group_by.hpp>
#include <yieldpipe/query/state_bytes.hpp>

namespace yieldpipe::query {

namespace {

// The table size at which a table whose rows nearly all make new groups becomes a run
// (find_or_add): its index (2^18 slots, 2 MiB) stays in the caches. Measured on 7.36 million ids, 1
// thread: 2^15 groups 3.5 s, 2^17 2.8 s, 2^19 3.3 s.
constexpr std::size_t flush_groups = std::size_t{1} << 17;

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::vector<std::size_t> key_columns_of(const io::csv_header& header, const std::vector<std::string>& by) {
  std::vector<std::size_t> columns;
  for (const std::string& name : by) columns.push_back(column_index(&header, name, "group by"));
  return columns;
}

std::vector<std::size_t> spec_columns_of(const io::csv_header& header, const std::vector<aggregate_spec>& specs) {
  std::vector<std::size_t> columns;
  for (const aggregate_spec& spec : specs)
    columns.push_back(spec.column.empty() ? 0 : column_index(&header, spec.column, "aggregate " + spec.text()));
  return columns;
}

// Keys of several columns: each text but the last followed by the bytes 0 0, its NUL bytes written as
// 0 1, and the last text as it is. The bytes of two keys then compare as their texts do, column by
// column (a text sorts before its extensions): the output sorts the keys' bytes.
void encode_key_part(std::string& out, std::string_view text, bool last) {
  if (last) {
    out.append(text);
    return;
  }
  for (std::size_t at; (at = text.find('\0')) != std::string_view::npos; text.remove_prefix(at + 1)) {
    out.append(text.substr(0, at));
    out.append("\0\1", 2);
  }
  out.append(text);
  out.append("\0\0", 2);
}

// The texts of an encoded key, into `parts`; a text with NUL bytes is decoded into `scratch` (kept
// for the record's life: one string per column).
void decode_key(std::string_view key, std::size_t columns, std::vector<io::field>& record,
                std::vector<std::string>& scratch) {
  for (std::size_t c = 0; c + 1 < columns; ++c) {
    std::size_t at = key.find('\0');
    if (key[at + 1] == '\0') {  // the common case: no NUL in the text
      record.emplace_back(key.substr(0, at));
      key.remove_prefix(at + 2);
      continue;
    }
    std::string& text = scratch[c];
    text.clear();
    for (;; at = key.find('\0')) {
      text.append(key.substr(0, at));
      const bool end = key[at + 1] == '\0';
      key.remove_prefix(at + 2);
      if (end) break;
      text.push_back('\0');
    }
    record.emplace_back(std::string_view(text));
  }
  record.emplace_back(key);
}

}  // namespace

group_by::group_by(const io::csv_header& header, std::vector<std::string> by, std::vector<aggregate_spec> specs,
                   std::uint64_t max_memory, std::string max_memory_text)
    : group_by(by, key_columns_of(header, by), specs, spec_columns_of(header, specs), max_memory,
               std::move(max_memory_text)) {}

group_by::group_by(std::vector<std::string> key_names, std::vector<std::size_t> key_columns,
                   std::vector<aggregate_spec> specs, std::vector<std::size_t> spec_columns, std::uint64_t max_memory,
                   std::string max_memory_text)
    : key_names_(std::move(key_names)),
      key_columns_(std::move(key_columns)),
      specs_(std::move(specs)),
      max_memory_(max_memory),
      max_memory_text_(std::move(max_memory_text)) {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const aggregate_spec& spec = specs_[i];
    slot_kind kind = slot_kind::rows;
    switch (spec.kind) {
      case aggregate_kind::count: kind = spec.column.empty() ? slot_kind::rows : slot_kind::values; break;
      case aggregate_kind::sum:
      case aggregate_kind::mean: kind = slot_kind::sum; break;
      case aggregate_kind::min: kind = slot_kind::min; break;
      case aggregate_kind::max: kind = slot_kind::max; break;
      case aggregate_kind::var:
      case aggregate_kind::std:
      case aggregate_kind::var_pop:
      case aggregate_kind::std_pop: kind = slot_kind::variance; break;
      case aggregate_kind::first: kind = slot_kind::first; break;
      case aggregate_kind::last: kind = slot_kind::last; break;
      case aggregate_kind::count_distinct: kind = slot_kind::distinct; break;
      case aggregate_kind::percentile: kind = slot_kind::quantile; break;
    }
    const std::size_t column = kind == slot_kind::rows ? 0 : spec_columns.at(i);
    // Aggregates of one kind over one column share a state (mean and sum; var and std; p50 and p99).
    auto same = std::find_if(slots_.begin(), slots_.end(), [&](const slot& s) {
      return s.kind == kind && (kind == slot_kind::rows || s.column == column);
    });
    if (same != slots_.end()) {
      spec_slot_.push_back(static_cast<std::size_t>(same - slots_.begin()));
      continue;
    }
    std::size_t number = 0;
    const bool numeric = kind == slot_kind::sum || kind == slot_kind::min || kind == slot_kind::max ||
                         kind == slot_kind::variance || kind == slot_kind::quantile;
    if (numeric) {
      auto at = std::find(number_columns_.begin(), number_columns_.end(), column);
      number = static_cast<std::size_t>(at - number_columns_.begin());
      if (at == number_columns_.end()) number_columns_.push_back(column);
    }
    spec_slot_.push_back(slots_.size());
    slots_.push_back({kind, column, number, spec.text()});
  }
  numbers_.resize(number_columns_.size());
  clear_groups();
  // Without --by, one group: the whole input (a record even for an empty one).
  if (key_columns_.empty()) find_or_add({}, detail::hash_bytes({}), nullptr);
}

std::vector<group_by::state_column> group_by::make_columns() const {
  std::vector<state_column> columns;
  for (const slot& s : slots_) {
    switch (s.kind) {
      case slot_kind::rows:
      case slot_kind::values: columns.emplace_back(std::in_place_type<detail::block_column<count_state>>); break;
      case slot_kind::sum: columns.emplace_back(std::in_place_type<detail::block_column<sum_state>>); break;
      case slot_kind::min: columns.emplace_back(std::in_place_type<detail::block_column<min_state>>); break;
      case slot_kind::max: columns.emplace_back(std::in_place_type<detail::block_column<max_state>>); break;
      case slot_kind::variance: columns.emplace_back(std::in_place_type<detail::block_column<variance_state>>); break;
      case slot_kind::first: columns.emplace_back(std::in_place_type<detail::block_column<first_state>>); break;
      case slot_kind::last: columns.emplace_back(std::in_place_type<detail::block_column<last_state>>); break;
      case slot_kind::distinct: columns.emplace_back(std::in_place_type<detail::block_column<distinct_state>>); break;
      case slot_kind::quantile: columns.emplace_back(std::in_place_type<detail::block_column<quantile_state>>); break;
    }
  }
  return columns;
}

// An empty table (the runs stay): fresh columns, arena and index, their memory freed.
void group_by::clear_groups() {
  columns_ = make_columns();
  keys_ = {};
  key_bytes_ = {};
  std::vector<index_slot>(16, index_slot{empty_slot, 0}).swap(index_);
  index_bits_ = 4;
  groups_ = 0;
  rows_ = 0;
  flush_check_ = flush_groups;
  memory_ = run_memory_;
  charge(index_.size() * sizeof(index_slot), nullptr, nullptr);
}

std::vector<std::string> group_by::columns() const {
  std::vector<std::string> out = key_names_;
  for (const aggregate_spec& spec : specs_) out.push_back(spec.output_name());
  return out;
}

std::string_view group_by::key_of(const io::csv_row& row) {
  if (key_columns_.empty()) return {};
  if (key_columns_.size() == 1) return row[key_columns_[0]];
  key_buffer_.clear();
  for (std::size_t i = 0; i < key_columns_.size(); ++i)
    encode_key_part(key_buffer_, row[key_columns_[i]], i + 1 == key_columns_.size());
  return key_buffer_;
}

std::uint32_t group_by::find_or_add(std::string_view key, std::uint32_t hash, const io::csv_row* row) {
  // Linear probing from the hash's top bits; a slot's hash is compared before the key's bytes.
  const std::size_t mask = index_.size() - 1;
  for (std::size_t at = hash >> (32 - index_bits_);; at = (at + 1) & mask) {
    const index_slot s = index_[at];
    if (s.group == empty_slot) {
      // A row's new group that would pass the budget: the groups so far become a run first. (Not
      // while merging: merge() makes room before it starts.)
      if (row && spill_directory_ && groups_ > 0 && !key_columns_.empty()) {
        const std::size_t n = groups_ + 1;
        std::size_t more = key_bytes_.growth(key.size());
        if (keys_.capacity() < n) {
          more += keys_.growth(n);
          for (const state_column& c : columns_) more += std::visit([&](auto& states) { return states.growth(n); }, c);
        }
        if (n * 4 > index_.size() * 3) more += index_.size() * sizeof(index_slot);
        if (over_budget(more)) {
          write_run(true);
          return find_or_add(key, hash, row);
        }
      }
      if (groups_ >= flush_check_ && row && !key_columns_.empty()) {
        // Nearly a new group per row, and about as many distinct keys as rows so far: the keys do
        // not repeat, and a bigger table would only be slower (its index out of the caches, its
        // pages new). A run now, merged at the end, costs less (measured: 7.36 million ids, 1 thread,
        // 6.5 s as one table, 3.2 s in runs). Keys that repeat further apart than a table (a million
        // users in random order) show in the estimate after a few runs: the table grows instead.
        if (rows_ < 2 * groups_ && seen_keys_.estimate() * 2 > static_cast<double>(all_rows_)) {
          write_run(spill_directory_ && over_budget(memory_));
          return find_or_add(key, hash, row);
        }
        flush_check_ *= 2;  // the keys repeat: the table earns its size
      }
      // Every distinct key is a new group of some table once: the estimate needs no more (and
      // costs nothing on rows of existing groups).
      if (row) seen_keys_.add(hash);
      return add_group(key, hash, at, row);
    }
    if (s.hash == hash) {
      const key_ref& k = keys_[s.group];
      if (k.size == key.size() && (key.empty() || std::memcmp(k.data, key.data(), key.size()) == 0)) return s.group;
    }
  }
}

std::uint32_t group_by::add_group(std::string_view key, std::uint32_t hash, std::size_t at, const io::csv_row* row) {
  // The index's position is the hash's top bits: at most 2^32 slots, 3/4 of them used.
  if (groups_ >= (std::size_t{3} << 30) || key.size() > 0xffffffffu) {
    io::error_location where;
    if (row) where.line = row->line();
    throw memory_limit_error(row ? std::string(row->path()) : std::string("stats"),
                             "group by: more than 3,221,225,472 groups, or a key of 4 GiB", where);
  }
  // Room first (each allocation counted, and refused past the budget), then the group.
  std::size_t bytes = 0;
  const std::size_t n = groups_ + 1;
  if (keys_.capacity() < n) {
    bytes += keys_.reserve(n);
    for (state_column& c : columns_) bytes += std::visit([&](auto& states) { return states.reserve(n); }, c);
  }
  const std::string_view stored = key_bytes_.store(key, bytes);
  const auto group = static_cast<std::uint32_t>(groups_);
  keys_[group] = {stored.data(), static_cast<std::uint32_t>(stored.size()), hash};
  index_[at] = {group, hash};
  ++groups_;
  if (bytes) charge(bytes, nullptr, row);
  if (groups_ * 4 > index_.size() * 3) grow_index();
  return group;
}

void group_by::grow_index() {
  std::vector<index_slot> old(index_.size() * 2, index_slot{empty_slot, 0});
  old.swap(index_);
  ++index_bits_;
  const std::size_t mask = index_.size() - 1;
  for (const index_slot& s : old) {
    if (s.group == empty_slot) continue;
    std::size_t at = s.hash >> (32 - index_bits_);
    while (index_[at].group != empty_slot) at = (at + 1) & mask;
    index_[at] = s;
  }
  // The old index is freed on return; the new one stays.
  charge(index_.size() * sizeof(index_slot) - old.size() * sizeof(index_slot), nullptr, nullptr);
}

void group_by::charge(std::size_t bytes, const slot* by, const io::csv_row* row) {
  memory_ += bytes;
  if (max_memory_ == 0 || memory_ <= max_memory_) return;
  // Spilling: the table writes its groups out before its next row (spill_if_over). One group (no
  // --by) cannot be split: its states must fit.
  if (spill_directory_ && !key_columns_.empty()) return;
  std::string why;
  if (by == nullptr) {
    why = "the groups of --by ";
    for (std::size_t i = 0; i < key_names_.size(); ++i) why += (i ? "," : "") + key_names_[i];
    why += " would pass --max-memory " + max_memory_text_ + " (" + with_thousands(max_memory_) + " bytes) at " +
           with_thousands(groups_) + " groups";
  } else {
    const std::size_t at = static_cast<std::size_t>(by - slots_.data());
    std::uint64_t held = 0;
    for (std::size_t g = 0; g < groups_; ++g) {
      if (by->kind == slot_kind::distinct)
        held += std::get<detail::block_column<distinct_state>>(columns_[at])[g].values.size();
      if (by->kind == slot_kind::quantile)
        held += std::get<detail::block_column<quantile_state>>(columns_[at])[g].values.size();
    }
    why = by->name + " would pass --max-memory " + max_memory_text_ + " (" + with_thousands(max_memory_) + " bytes)";
    if (by->kind == slot_kind::distinct)
      why += " at " + with_thousands(held) + " distinct values";
    else if (by->kind == slot_kind::quantile)
      why += " at " + with_thousands(held) + " stored values (8 bytes each)";
    why += " in " + with_thousands(groups_) + (groups_ == 1 ? " group" : " groups");
  }
  why += " (" + with_thousands(memory_) + " bytes of state)";
  io::error_location where;
  if (row) where.line = row->line();
  throw memory_limit_error(row ? std::string(row->path()) : std::string("stats"), why, where);
}

void group_by::spill_if_over() {
  if (!spill_directory_ || !over_budget(0) || key_columns_.empty()) return;
  if (groups_ > 0) write_run(true);
  for (detail::sorted_run& run : runs_) {  // runs kept in memory go to disk next
    if (!over_budget(0)) break;
    if (run.on_disk()) continue;
    const std::size_t freed = run.memory();
    run.move_to_disk(spill_file());
    run_memory_ -= freed - run.memory();
    memory_ -= freed - run.memory();
  }
}

void group_by::add(const io::csv_row& row) {
  if (over_budget(0)) [[unlikely]]
    spill_if_over();  // a state that grew past the budget on the last row
  // Every number first: a field that is not one throws before any state changes.
  for (std::size_t i = 0; i < number_columns_.size(); ++i) {
    // NaN stands for a missing value here; a "nan" field is missing too, as in pandas.
    const auto v = row.get_optional<double>(number_columns_[i]);
    numbers_[i] = v ? *v : std::numeric_limits<double>::quiet_NaN();
  }
  const std::string_view k = key_of(row);
  const std::uint32_t hash = detail::hash_bytes(k);
  ++rows_;
  ++all_rows_;
  const std::uint32_t g = find_or_add(k, hash, &row);
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const slot& s = slots_[i];
    state_column& c = columns_[i];
    // Meaningful for the numeric slots only (numbers_ may be empty).
    const double x = s.number < numbers_.size() ? numbers_[s.number] : 0.0;
    const bool has_x = !std::isnan(x);
    switch (s.kind) {
      case slot_kind::rows: std::get<detail::block_column<count_state>>(c)[g].add(); break;
      case slot_kind::values:
        if (!row[s.column].empty()) std::get<detail::block_column<count_state>>(c)[g].add();
        break;
      case slot_kind::sum:
        if (has_x) std::get<detail::block_column<sum_state>>(c)[g].add(x);
        break;
      case slot_kind::min:
        if (has_x) std::get<detail::block_column<min_state>>(c)[g].add(x);
        break;
      case slot_kind::max:
        if (has_x) std::get<detail::block_column<max_state>>(c)[g].add(x);
        break;
      case slot_kind::variance:
        if (has_x) std::get<detail::block_column<variance_state>>(c)[g].add(x);
        break;
      case slot_kind::first:
        if (const auto text = row[s.column]; !text.empty())
          if (const std::size_t grown = std::get<detail::block_column<first_state>>(c)[g].add(text))
            charge(grown, &s, &row);
        break;
      case slot_kind::last:
        if (const auto text = row[s.column]; !text.empty())
          if (const std::size_t grown = std::get<detail::block_column<last_state>>(c)[g].add(text))
            charge(grown, &s, &row);
        break;
      case slot_kind::distinct:
        if (const auto text = row[s.column]; !text.empty())
          if (const std::size_t grown = std::get<detail::block_column<distinct_state>>(c)[g].add(text))
            charge(grown, &s, &row);
        break;
      case slot_kind::quantile:
        if (has_x)
          if (const std::size_t grown = std::get<detail::block_column<quantile_state>>(c)[g].add(x))
            charge(grown, &s, &row);
        break;
    }
  }
}

namespace {

template <class State>
std::size_t merge_text_pick(State& ours, const State& theirs) {
  const std::size_t before = ours.heap_bytes();
  ours.merge(theirs);
  return ours.heap_bytes() - std::min(before, ours.heap_bytes());
}

}  // namespace

void group_by::merge(group_by& later) {
  const std::uint64_t later_groups_memory = later.memory_ - later.run_memory_;
  // Later's runs, or a later table that would not fit beside this one when spilling: appended in
  // input order, after this table's groups (which become a run first), rather than hashed in.
  const bool append = !key_columns_.empty() &&
                      (!later.runs_.empty() || (spill_directory_ && over_budget(later.memory_)) || groups_ == 0);
  if (append) {
    if (groups_ > 0) write_run(spill_directory_ && over_budget(later.memory_));
    for (detail::sorted_run& run : later.runs_) {
      runs_.push_back(std::move(run));
      compact_runs();
    }
    later.runs_.clear();  // their memory is counted here now (compact_runs)
    later.run_memory_ = 0;
    std::swap(columns_, later.columns_);
    std::swap(keys_, later.keys_);
    std::swap(key_bytes_, later.key_bytes_);
    std::swap(index_, later.index_);
    std::swap(index_bits_, later.index_bits_);
    std::swap(groups_, later.groups_);
    std::swap(rows_, later.rows_);
    std::swap(flush_check_, later.flush_check_);
    memory_ = run_memory_;
    charge(later_groups_memory, nullptr, nullptr);  // later's bytes against this table's budget
    spill_if_over();
    return;
  }
  // Each of later's groups: found here by the hash it kept, its states merged column by column.
  std::vector<std::uint32_t> into(later.groups_);
  for (std::size_t j = 0; j < later.groups_; ++j) {
    const key_ref& k = later.keys_[j];
    into[j] = find_or_add({k.data, k.size}, k.hash, nullptr);
  }
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    std::visit(
        [&](auto& ours) {
          using states = std::remove_reference_t<decltype(ours)>;
          auto& theirs = std::get<states>(later.columns_[i]);
          for (std::size_t j = 0; j < later.groups_; ++j) {
            auto& a = ours[into[j]];
            auto& b = theirs[j];
            std::size_t grown = 0;
            if constexpr (std::is_same_v<states, detail::block_column<first_state>> ||
                          std::is_same_v<states, detail::block_column<last_state>>)
              grown = merge_text_pick(a, b);
            else if constexpr (std::is_same_v<states, detail::block_column<distinct_state>> ||
                               std::is_same_v<states, detail::block_column<quantile_state>>)
              grown = a.merge(b);
            else
              a.merge(b);
            if (grown) charge(grown, &slots_[i], nullptr);
          }
        },
        columns_[i]);
  }
}

namespace {

// Sorting the groups by their keys' bytes (unsigned, a prefix first), in place: a radix sort from the
// first byte (American flag sort: each byte's buckets counted, then the items swapped into them), 8
// bytes of key loaded at a time, then the next 8 bytes within each bucket of keys that agree so far.
// Buckets of fewer than 64 keys, and keys that agree on their first 256 bytes, are compared whole.
struct sort_item {
  std::uint64_t prefix;  // the key's bytes depth..depth+7, big-endian, zero-padded
  std::uint32_t group;
};

template <class Key>
class key_sorter {
 public:
  explicit key_sorter(const Key& key) : key_(key) {}

  void sort(std::span<sort_item> items, std::size_t depth) {
    if (items.size() < 64 || depth >= 256) {
      std::sort(items.begin(), items.end(), less());
      return;
    }
    bool longer = false;  // whether a key goes on past these 8 bytes
    for (sort_item& item : items) {
      const std::string_view k = key_(item.group);
      std::uint64_t p = 0;
      if (k.size() > depth) {
        const std::size_t n = std::min<std::size_t>(8, k.size() - depth);
        std::memcpy(&p, k.data() + depth, n);
        p = __builtin_bswap64(p);  // little-endian hosts (x86, AArch64): the first byte becomes the highest
        longer |= k.size() > depth + 8;
      }
      item.prefix = p;
    }
    by_prefix(items, 7, depth, longer);
  }

 private:
  auto less() const {
    return [this](const sort_item& a, const sort_item& b) { return key_(a.group) < key_(b.group); };
  }

  // Sorts items that agree on the prefix's bytes above `byte` (7: the first) by the rest of the prefix.
  void by_prefix(std::span<sort_item> items, int byte, std::size_t depth, bool longer) {
    for (;; --byte) {
      if (items.size() < 64) {
        std::sort(items.begin(), items.end(), less());
        return;
      }
      if (byte < 0) {  // the whole prefix agrees: the next 8 bytes, or, when no key goes on, the size
        if (longer)
          sort(items, depth + 8);
        else
          std::sort(items.begin(), items.end(), less());  // they differ in trailing NUL bytes
        return;
      }
      const auto digit = [shift = 8 * byte](const sort_item& item) { return (item.prefix >> shift) & 0xff; };
      std::array<std::size_t, 256> count{};
      for (const sort_item& item : items) ++count[digit(item)];
      if (count[digit(items[0])] == items.size()) continue;  // one bucket: the next byte
      std::array<std::size_t, 256> next{}, end{};
      std::size_t at = 0;
      for (std::size_t b = 0; b < 256; ++b) {
        next[b] = at;
        at += count[b];
        end[b] = at;
      }
      for (std::size_t b = 0; b < 256; ++b) {
        while (next[b] < end[b]) {
          sort_item v = items[next[b]];
          for (std::size_t d = digit(v); d != b; d = digit(v)) std::swap(v, items[next[d]++]);
          items[next[b]++] = v;
        }
      }
      for (std::size_t b = 0, lo = 0; b < 256; lo = end[b++])
        if (end[b] - lo > 1) by_prefix(items.subspan(lo, end[b] - lo), byte - 1, depth, longer);
      return;
    }
  }

  const Key& key_;
};

}  // namespace

std::vector<std::uint32_t> group_by::sorted_groups() const {
  std::vector<sort_item> items(groups_);
  for (std::size_t g = 0; g < groups_; ++g) items[g].group = static_cast<std::uint32_t>(g);
  const auto key_of_group = [this](std::uint32_t g) { return key(g); };
  // string_view compares bytes as unsigned char (memcmp): UTF-8 texts sort by code point.
  key_sorter(key_of_group).sort(items, 0);
  std::vector<std::uint32_t> order(groups_);
  for (std::size_t i = 0; i < groups_; ++i) order[i] = items[i].group;
  return order;
}

void group_by::save_group(const std::vector<state_column>& columns, std::size_t group, std::string& out) const {
  for (const state_column& c : columns) std::visit([&](const auto& states) { save_state(out, states[group]); }, c);
}

// The states of one record of a run into group 0 of `into`: replacing it (`first`), or merged into
// it through group 0 of `scratch`. `grown`: the bytes exact states grew by.
void group_by::load_group(std::string_view states, std::vector<state_column>& into, std::vector<state_column>& scratch,
                          bool first, std::size_t& grown) const {
  for (std::size_t i = 0; i < into.size(); ++i) {
    std::visit(
        [&](auto& ours) {
          using column = std::remove_reference_t<decltype(ours)>;
          if (first) {
            load_state(states, ours[0]);
            return;
          }
          auto& theirs = std::get<column>(scratch[i]);
          load_state(states, theirs[0]);
          if constexpr (std::is_same_v<column, detail::block_column<first_state>> ||
                        std::is_same_v<column, detail::block_column<last_state>>)
            ours[0].merge(theirs[0]);
          else if constexpr (std::is_same_v<column, detail::block_column<distinct_state>> ||
                             std::is_same_v<column, detail::block_column<quantile_state>>)
            grown += ours[0].merge(theirs[0]);
          else
            ours[0].merge(theirs[0]);
        },
        into[i]);
  }
  if (!states.empty()) throw query_error("a group-by's spilled run has bytes after a group's states");
}

void group_by::write_run(bool to_disk) {
  if (groups_ == 0) return;
  // The index is not needed to sort: freed first, as the sort needs its memory.
  std::vector<index_slot>().swap(index_);
  const std::vector<std::uint32_t> order = sorted_groups();
  detail::sorted_run run = to_disk ? detail::sorted_run(spill_file()) : detail::sorted_run();
  std::string states;
  for (const std::uint32_t g : order) {
    states.clear();
    save_group(columns_, g, states);
    run.add(key(g), states);
  }
  run.close();
  run_memory_ += run.memory();
  runs_.push_back(std::move(run));
  clear_groups();
  compact_runs();
}

void group_by::spill_to(std::string directory) { spill_directory_ = std::move(directory); }

// One file for this table's runs, made when the first is written.
std::shared_ptr<detail::temp_file> group_by::spill_file() {
  if (!spill_file_) spill_file_ = std::make_shared<detail::temp_file>(*spill_directory_);
  return spill_file_;
}

std::size_t group_by::spilled_runs() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(runs_.begin(), runs_.end(), [](const detail::sorted_run& r) { return r.on_disk(); }));
}

void group_by::seal() {
  if (groups_ < (std::size_t{1} << 16) || key_columns_.empty()) return;
  // A run in memory costs about what the table does, and both are held while it is written.
  const bool fits = !over_budget(memory_);
  if (!fits && !spill_directory_) return;
  write_run(!fits);
}

// A group's output record: its key's texts (`texts` holds the ones decoded), then its results.
void group_by::make_record(std::string_view key, std::vector<state_column>& columns, std::size_t group,
                           std::vector<io::field>& record, std::vector<std::string>& texts) const {
  record.clear();
  if (key_columns_.size() == 1)
    record.emplace_back(key);
  else if (key_columns_.size() > 1)
    decode_key(key, key_columns_.size(), record, texts);
  append_results(columns, group, record);
}

void group_by::append_results(std::vector<state_column>& columns, std::size_t group,
                              std::vector<io::field>& record) const {
  const std::size_t g = group;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const aggregate_spec& spec = specs_[i];
    state_column& c = columns[spec_slot_[i]];
    switch (spec.kind) {
      case aggregate_kind::count:
        record.emplace_back(std::get<detail::block_column<count_state>>(c)[g].result());
        break;
      case aggregate_kind::sum: record.emplace_back(std::get<detail::block_column<sum_state>>(c)[g].total()); break;
      case aggregate_kind::mean: record.emplace_back(std::get<detail::block_column<sum_state>>(c)[g].mean()); break;
      case aggregate_kind::min: record.emplace_back(std::get<detail::block_column<min_state>>(c)[g].result()); break;
      case aggregate_kind::max: record.emplace_back(std::get<detail::block_column<max_state>>(c)[g].result()); break;
      case aggregate_kind::var:
      case aggregate_kind::std:
      case aggregate_kind::var_pop:
      case aggregate_kind::std_pop: {
        const variance_state& v = std::get<detail::block_column<variance_state>>(c)[g];
        const bool sample = spec.kind == aggregate_kind::var || spec.kind == aggregate_kind::std;
        const bool deviation = spec.kind == aggregate_kind::std || spec.kind == aggregate_kind::std_pop;
        record.emplace_back(deviation ? v.deviation(sample) : v.variance(sample));
        break;
      }
      case aggregate_kind::first:
        record.emplace_back(std::get<detail::block_column<first_state>>(c)[g].result());
        break;
      case aggregate_kind::last: record.emplace_back(std::get<detail::block_column<last_state>>(c)[g].result()); break;
      case aggregate_kind::count_distinct:
        record.emplace_back(std::get<detail::block_column<distinct_state>>(c)[g].result());
        break;
      case aggregate_kind::percentile:
        record.emplace_back(std::get<detail::block_column<quantile_state>>(c)[g].result(spec.percentile));
        break;
    }
  }
}

void group_by::for_each_sorted(const std::function<void(std::span<const io::field>)>& emit) {
  if (!runs_.empty()) {
    merge_runs(emit);
    return;
  }
  std::vector<index_slot>().swap(index_);  // no row comes after: freed before the sort needs memory
  const std::vector<std::uint32_t> order = sorted_groups();
  std::vector<io::field> record;
  std::vector<std::string> scratch(key_columns_.size());
  for (const std::uint32_t g : order) {
    make_record(key(g), columns_, g, record, scratch);
    emit(record);
  }
}

// Runs [first, last) merged by key (a binary heap of readers; equal keys in run order, which is
// input order): `sink(key, states)` for each key, with its states combined in group 0 of `states`.
template <class Sink>
void group_by::merge_run_range(std::size_t first, std::size_t last, Sink&& sink, const key_range& range,
                               unsigned at_once) const {
  const std::size_t k = last - first;
  // A window per file run: a quarter of the budget among them (and the merges at once), 64 KiB to 1
  // MiB each.
  const std::size_t window =
      std::clamp<std::uint64_t>(max_memory_ ? max_memory_ / (4 * k * at_once) : std::uint64_t{1} << 18,
                                std::uint64_t{64} << 10, std::uint64_t{1} << 20);
  // A reader is done at the range's end.
  const auto in_range = [&](const detail::sorted_run::reader& r) { return !range.hi || r.key() < *range.hi; };
  std::vector<detail::sorted_run::reader> readers;
  readers.reserve(k);
  std::vector<std::size_t> heap;  // reader numbers; the top has the smallest (key, number)
  for (std::size_t r = first; r < last; ++r) {
    // From the last mark before the range's start (keys are unique in a run), skipping to it.
    std::uint64_t from = 0;
    if (range.lo) {
      const auto& marks = runs_[r].marks();
      const auto after_lo =
          std::lower_bound(marks.begin(), marks.end(), *range.lo,
                           [](const detail::sorted_run::mark& m, const std::string& lo) { return m.key < lo; });
      if (after_lo != marks.begin()) from = std::prev(after_lo)->position;
    }
    detail::sorted_run::reader& reader = readers.emplace_back(runs_[r], window, from);
    bool more = reader.next();
    while (more && range.lo && reader.key() < *range.lo) more = reader.next();
    if (more && in_range(reader)) heap.push_back(readers.size() - 1);
  }
  const auto after = [&](std::size_t a, std::size_t b) {  // std heaps keep the greatest on top
    const int c = readers[a].key().compare(readers[b].key());
    return c != 0 ? c > 0 : a > b;
  };
  std::make_heap(heap.begin(), heap.end(), after);
  std::vector<state_column> merged = make_columns(), scratch = make_columns();
  for (std::size_t i = 0; i < merged.size(); ++i) {
    std::visit([](auto& states) { states.reserve(1); }, merged[i]);
    std::visit([](auto& states) { states.reserve(1); }, scratch[i]);
  }
  std::string key;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), after);
    std::size_t at = heap.back();
    key.assign(readers[at].key());
    std::size_t grown = 0;
    for (bool first_record = true;; first_record = false) {
      load_group(readers[at].states(), merged, scratch, first_record, grown);
      if (readers[at].next() && in_range(readers[at]))
        std::push_heap(heap.begin(), heap.end(), after);
      else
        heap.pop_back();
      if (heap.empty() || readers[heap.front()].key() != key) break;
      std::pop_heap(heap.begin(), heap.end(), after);
      at = heap.back();
    }
    if (max_memory_ != 0 && grown > max_memory_)
      throw memory_limit_error("stats", "the group " + io::printable(key) + " alone needs more than --max-memory " +
                                            max_memory_text_ + " (" + with_thousands(max_memory_) +
                                            " bytes) for its exact aggregates, even when spilled");
    sink(std::string_view(key), merged);
  }
}

void group_by::for_each_sorted_in_parts(unsigned threads, const std::function<void(std::size_t parts)>& begin,
                                        const std::function<void(std::size_t, std::span<const io::field>)>& format,
                                        const std::function<void(std::size_t part)>& finished) {
  if (threads <= 1 || runs_.empty()) {
    begin(1);
    for_each_sorted([&](std::span<const io::field> record) { format(0, record); });
    finished(0);
    return;
  }
  close_runs();
  // The parts' bounds: keys at even steps among the runs' marks (one per 128 records), 16 parts a
  // thread, so that the parts are about even and a part's output waits little for the one before.
  std::vector<std::string_view> sample;
  for (const detail::sorted_run& run : runs_)
    for (const detail::sorted_run::mark& m : run.marks()) sample.push_back(m.key);
  std::sort(sample.begin(), sample.end());
  const std::size_t wanted = std::min<std::size_t>(16 * std::size_t{threads}, sample.size() / 4 + 1);
  std::vector<std::string> bounds;
  for (std::size_t i = 1; i < wanted; ++i) {
    const std::string_view b = sample[i * sample.size() / wanted];
    if (bounds.empty() || bounds.back() != b) bounds.emplace_back(b);
  }
  const std::size_t parts = bounds.size() + 1;
  begin(parts);
  // Workers take parts in key order; this thread hands them to `finished` in that order.
  std::mutex lock;
  std::condition_variable part_done;
  std::vector<char> done(parts, 0);
  std::exception_ptr error;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const auto work = [&] {
    std::vector<io::field> record;
    std::vector<std::string> texts(key_columns_.size());
    for (std::size_t p; !stop && (p = next++) < parts;) {
      try {
        key_range range;
        if (p > 0) range.lo = bounds[p - 1];
        if (p < bounds.size()) range.hi = bounds[p];
        merge_run_range(
            0, runs_.size(),
            [&](std::string_view key, std::vector<state_column>& columns) {
              make_record(key, columns, 0, record, texts);
              format(p, record);
            },
            range, threads);
      } catch (...) {
        const std::lock_guard guard(lock);
        if (!error) error = std::current_exception();
        stop = true;
      }
      const std::lock_guard guard(lock);
      done[p] = 1;
      part_done.notify_all();
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back(work);
  for (std::size_t p = 0; p < parts; ++p) {
    std::unique_lock guard(lock);
    part_done.wait(guard, [&] { return done[p] || error; });
    if (error) break;
    guard.unlock();
    try {
      finished(p);
    } catch (...) {
      guard.lock();
      error = std::current_exception();
      stop = true;
      break;
    }
  }
  for (std::thread& w : workers) w.join();
  if (error) std::rethrow_exception(error);
}

// Runs [first, runs_.size()) merged into one, which takes their place.
void group_by::merge_tail(std::size_t first) {
  // On disk when spilling and any of them is (or the budget is passed), else in memory.
  const bool to_disk = spill_directory_ &&
                       (over_budget(0) || std::any_of(runs_.begin() + static_cast<std::ptrdiff_t>(first), runs_.end(),
                                                      [](const detail::sorted_run& r) { return r.on_disk(); }));
  detail::sorted_run into = to_disk ? detail::sorted_run(spill_file()) : detail::sorted_run();
  std::string states;
  merge_run_range(first, runs_.size(), [&](std::string_view key, std::vector<state_column>& columns) {
    states.clear();
    save_group(columns, 0, states);
    into.add(key, states);
  });
  into.close();
  into.level = runs_[first].level + 1;
  runs_.erase(runs_.begin() + static_cast<std::ptrdiff_t>(first), runs_.end());
  runs_.push_back(std::move(into));
}

// At most `widest` runs of a level: the last `widest` of one level are merged into one of the next
// (each group rewritten once per level): the final merge reads few runs, each through a window.
void group_by::compact_runs() {
  while (runs_.size() >= widest_merge) {
    const std::size_t first = runs_.size() - widest_merge;
    const unsigned level = runs_.back().level;
    if (!std::all_of(runs_.begin() + static_cast<std::ptrdiff_t>(first), runs_.end(),
                     [&](const detail::sorted_run& r) { return r.level == level; }))
      break;
    merge_tail(first);
  }
  std::uint64_t held = 0;
  for (const detail::sorted_run& run : runs_) held += run.memory();
  memory_ = memory_ - run_memory_ + held;
  run_memory_ = held;
}

// The groups still in memory become the last run, and the runs at most `widest_merge`: what the
// final merge reads.
void group_by::close_runs() {
  if (groups_ > 0) write_run(spill_directory_ && over_budget(memory_));
  while (runs_.size() > widest_merge) merge_tail(runs_.size() - widest_merge);
}

void group_by::merge_runs(const std::function<void(std::span<const io::field>)>& emit) {
  close_runs();
  std::vector<io::field> record;
  std::vector<std::string> texts(key_columns_.size());
  merge_run_range(0, runs_.size(), [&](std::string_view key, std::vector<state_column>& columns) {
    make_record(key, columns, 0, record, texts);
    emit(record);
  });
}

}  // namespace yieldpipe::query
