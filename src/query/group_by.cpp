#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>
#include <yieldpipe/query/column_index.hpp>
#include <yieldpipe/query/group_by.hpp>

namespace yieldpipe::query {

namespace {

// What a new group costs besides its key and states: its node in the index (next pointer, the key's
// std::string, the position, the cached hash, malloc's header), a bucket, the states' vector header.
constexpr std::size_t group_overhead = 64 + 8 + 16;

std::size_t key_heap_bytes(std::string_view key) { return key.size() > 15 ? key.size() + 1 : 0; }

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
  for (const slot& s : slots_) {
    switch (s.kind) {
      case slot_kind::rows:
      case slot_kind::values: fresh_states_.emplace_back(count_state{}); break;
      case slot_kind::sum: fresh_states_.emplace_back(sum_state{}); break;
      case slot_kind::min: fresh_states_.emplace_back(min_state{}); break;
      case slot_kind::max: fresh_states_.emplace_back(max_state{}); break;
      case slot_kind::variance: fresh_states_.emplace_back(variance_state{}); break;
      case slot_kind::first: fresh_states_.emplace_back(first_state{}); break;
      case slot_kind::last: fresh_states_.emplace_back(last_state{}); break;
      case slot_kind::distinct: fresh_states_.emplace_back(distinct_state{}); break;
      case slot_kind::quantile: fresh_states_.emplace_back(quantile_state{}); break;
    }
  }
  // Without --by, one group: the whole input (a record even for an empty one).
  if (key_columns_.empty()) find_or_add({}, nullptr);
}

std::vector<std::string> group_by::columns() const {
  std::vector<std::string> out = key_names_;
  for (const aggregate_spec& spec : specs_) out.push_back(spec.output_name());
  return out;
}

std::string_view group_by::key_of(const io::csv_row& row) {
  if (key_columns_.empty()) return {};
  if (key_columns_.size() == 1) return row[key_columns_[0]];
  // Several columns: each text after its length, so that no text can fake a boundary.
  key_buffer_.clear();
  for (const std::size_t c : key_columns_) {
    const std::string_view text = row[c];
    const auto size = static_cast<std::uint32_t>(text.size());
    char bytes[sizeof size];
    std::memcpy(bytes, &size, sizeof size);
    key_buffer_.append(bytes, sizeof size);
    key_buffer_.append(text);
  }
  return key_buffer_;
}

std::vector<std::string_view> group_by::split_key(std::string_view key) const {
  if (key_columns_.size() <= 1) return key_columns_.empty() ? std::vector<std::string_view>{} : std::vector{key};
  std::vector<std::string_view> parts;
  while (!key.empty()) {
    std::uint32_t size = 0;
    std::memcpy(&size, key.data(), sizeof size);
    key.remove_prefix(sizeof size);
    parts.push_back(key.substr(0, size));
    key.remove_prefix(size);
  }
  return parts;
}

group_by::group& group_by::find_or_add(std::string_view key, const io::csv_row* row) {
  if (auto it = index_.find(key); it != index_.end()) return groups_[it->second];
  const auto [it, added] = index_.emplace(std::string(key), groups_.size());
  const std::size_t capacity = groups_.capacity();
  group& g = groups_.emplace_back();
  g.key = &it->first;
  g.states = fresh_states_;
  charge(group_overhead + key_heap_bytes(key) + slots_.size() * sizeof(state) +
             (groups_.capacity() - capacity) * sizeof(group),
         nullptr, row);
  return g;
}

void group_by::charge(std::size_t bytes, const slot* by, const io::csv_row* row) {
  memory_ += bytes;
  if (max_memory_ == 0 || memory_ <= max_memory_) return;
  std::string why;
  if (by == nullptr) {
    why = "the groups of --by ";
    for (std::size_t i = 0; i < key_names_.size(); ++i) why += (i ? "," : "") + key_names_[i];
    why += " would pass --max-memory " + max_memory_text_ + " (" + with_thousands(max_memory_) + " bytes) at " +
           with_thousands(groups_.size()) + " groups";
  } else {
    const std::size_t at = static_cast<std::size_t>(by - slots_.data());
    std::uint64_t held = 0;
    for (const group& g : groups_) {
      if (by->kind == slot_kind::distinct) held += std::get<distinct_state>(g.states[at]).values.size();
      if (by->kind == slot_kind::quantile) held += std::get<quantile_state>(g.states[at]).values.size();
    }
    why = by->name + " would pass --max-memory " + max_memory_text_ + " (" + with_thousands(max_memory_) + " bytes)";
    if (by->kind == slot_kind::distinct)
      why += " at " + with_thousands(held) + " distinct values";
    else if (by->kind == slot_kind::quantile)
      why += " at " + with_thousands(held) + " stored values (8 bytes each)";
    why += " in " + with_thousands(groups_.size()) + (groups_.size() == 1 ? " group" : " groups");
  }
  why += " (" + with_thousands(memory_) + " bytes of state)";
  io::error_location where;
  if (row) where.line = row->line();
  throw memory_limit_error(row ? std::string(row->path()) : std::string("stats"), why, where);
}

void group_by::add(const io::csv_row& row) {
  // Every number first: a field that is not one throws before any state changes.
  for (std::size_t i = 0; i < number_columns_.size(); ++i) {
    // NaN stands for a missing value here; a "nan" field is missing too, as in pandas.
    const auto v = row.get_optional<double>(number_columns_[i]);
    numbers_[i] = v ? *v : std::numeric_limits<double>::quiet_NaN();
  }
  group& g = find_or_add(key_of(row), &row);
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const slot& s = slots_[i];
    state& st = g.states[i];
    // Meaningful for the numeric slots only (numbers_ may be empty).
    const double x = s.number < numbers_.size() ? numbers_[s.number] : 0.0;
    const bool has_x = !std::isnan(x);
    switch (s.kind) {
      case slot_kind::rows: std::get<count_state>(st).add(); break;
      case slot_kind::values:
        if (!row[s.column].empty()) std::get<count_state>(st).add();
        break;
      case slot_kind::sum:
        if (has_x) std::get<sum_state>(st).add(x);
        break;
      case slot_kind::min:
        if (has_x) std::get<min_state>(st).add(x);
        break;
      case slot_kind::max:
        if (has_x) std::get<max_state>(st).add(x);
        break;
      case slot_kind::variance:
        if (has_x) std::get<variance_state>(st).add(x);
        break;
      case slot_kind::first:
        if (const auto text = row[s.column]; !text.empty())
          if (const std::size_t grown = std::get<first_state>(st).add(text)) charge(grown, &s, &row);
        break;
      case slot_kind::last:
        if (const auto text = row[s.column]; !text.empty())
          if (const std::size_t grown = std::get<last_state>(st).add(text)) charge(grown, &s, &row);
        break;
      case slot_kind::distinct:
        if (const auto text = row[s.column]; !text.empty())
          if (const std::size_t grown = std::get<distinct_state>(st).add(text)) charge(grown, &s, &row);
        break;
      case slot_kind::quantile:
        if (has_x)
          if (const std::size_t grown = std::get<quantile_state>(st).add(x)) charge(grown, &s, &row);
        break;
    }
  }
}

void group_by::merge(group_by& later) {
  for (group& theirs : later.groups_) {
    group& ours = find_or_add(*theirs.key, nullptr);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      state& a = ours.states[i];
      state& b = theirs.states[i];
      std::size_t grown = 0;
      switch (slots_[i].kind) {
        case slot_kind::rows:
        case slot_kind::values: std::get<count_state>(a).merge(std::get<count_state>(b)); break;
        case slot_kind::sum: std::get<sum_state>(a).merge(std::get<sum_state>(b)); break;
        case slot_kind::min: std::get<min_state>(a).merge(std::get<min_state>(b)); break;
        case slot_kind::max: std::get<max_state>(a).merge(std::get<max_state>(b)); break;
        case slot_kind::variance: std::get<variance_state>(a).merge(std::get<variance_state>(b)); break;
        case slot_kind::first: {
          auto& f = std::get<first_state>(a);
          const std::size_t before = f.heap_bytes();
          f.merge(std::get<first_state>(b));
          grown = f.heap_bytes() - std::min(before, f.heap_bytes());
          break;
        }
        case slot_kind::last: {
          auto& l = std::get<last_state>(a);
          const std::size_t before = l.heap_bytes();
          l.merge(std::get<last_state>(b));
          grown = l.heap_bytes() - std::min(before, l.heap_bytes());
          break;
        }
        case slot_kind::distinct: grown = std::get<distinct_state>(a).merge(std::get<distinct_state>(b)); break;
        case slot_kind::quantile: grown = std::get<quantile_state>(a).merge(std::get<quantile_state>(b)); break;
      }
      if (grown) charge(grown, &slots_[i], nullptr);
    }
  }
}

void group_by::for_each_sorted(const std::function<void(std::span<const io::field>)>& emit) {
  std::vector<std::vector<std::string_view>> keys;
  keys.reserve(groups_.size());
  for (const group& g : groups_) keys.push_back(split_key(*g.key));
  std::vector<std::size_t> order(groups_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  // string_view compares bytes as unsigned char (memcmp): UTF-8 texts sort by code point.
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });

  std::vector<io::field> record;
  for (const std::size_t gi : order) {
    group& g = groups_[gi];
    record.clear();
    for (const std::string_view part : keys[gi]) record.emplace_back(part);
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const aggregate_spec& spec = specs_[i];
      state& st = g.states[spec_slot_[i]];
      switch (spec.kind) {
        case aggregate_kind::count: record.emplace_back(std::get<count_state>(st).result()); break;
        case aggregate_kind::sum: record.emplace_back(std::get<sum_state>(st).total()); break;
        case aggregate_kind::mean: record.emplace_back(std::get<sum_state>(st).mean()); break;
        case aggregate_kind::min: record.emplace_back(std::get<min_state>(st).result()); break;
        case aggregate_kind::max: record.emplace_back(std::get<max_state>(st).result()); break;
        case aggregate_kind::var: record.emplace_back(std::get<variance_state>(st).variance(true)); break;
        case aggregate_kind::std: record.emplace_back(std::get<variance_state>(st).deviation(true)); break;
        case aggregate_kind::var_pop: record.emplace_back(std::get<variance_state>(st).variance(false)); break;
        case aggregate_kind::std_pop: record.emplace_back(std::get<variance_state>(st).deviation(false)); break;
        case aggregate_kind::first: record.emplace_back(std::get<first_state>(st).result()); break;
        case aggregate_kind::last: record.emplace_back(std::get<last_state>(st).result()); break;
        case aggregate_kind::count_distinct: record.emplace_back(std::get<distinct_state>(st).result()); break;
        case aggregate_kind::percentile:
          record.emplace_back(std::get<quantile_state>(st).result(spec.percentile));
          break;
      }
    }
    emit(record);
  }
}

}  // namespace yieldpipe::query
