#include "yieldpipe/query/log_counts.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <utility>

#include "yieldpipe/query/log_filter.hpp"
#include "yieldpipe/query/query_error.hpp"

namespace yieldpipe::query {

namespace {
constexpr std::array<std::string_view, 10> key_names = {"hour", "day",    "level",  "component", "file",
                                                        "host", "client", "method", "path",      "status"};

// The slot of a text key in group_key::text, or -1 for the others.
constexpr int text_slot(log_key k) noexcept {
  switch (k) {
    case log_key::component: return 0;
    case log_key::host: return 1;
    case log_key::client: return 2;
    case log_key::method: return 3;
    case log_key::path: return 4;
    default: return -1;
  }
}

std::string_view text_of(const io::log_record& r, log_key k) noexcept {
  switch (k) {
    case log_key::component: return r.component;
    case log_key::host: return r.host;
    case log_key::client: return r.access ? r.access->client : std::string_view();
    case log_key::method: return r.access ? r.access->method : std::string_view();
    case log_key::path: return r.access ? r.access->path : std::string_view();
    default: return {};
  }
}
}  // namespace

bool has_log_key(io::log_format_kind kind, log_key key) noexcept {
  switch (key) {
    case log_key::hour:
    case log_key::day:
    case log_key::level:
    case log_key::file: return true;
    case log_key::component: return kind != io::log_format_kind::combined;
    case log_key::host: return kind == io::log_format_kind::syslog;
    case log_key::client:
    case log_key::method:
    case log_key::path:
    case log_key::status: return kind == io::log_format_kind::combined;
  }
  return false;
}

std::string_view to_string(log_key key) noexcept { return key_names[static_cast<std::size_t>(key)]; }

std::vector<log_key> parse_log_keys(std::string_view text) {
  std::vector<log_key> keys;
  while (true) {
    const auto at = text.find(',');
    const std::string_view name = text.substr(0, at);
    const auto it = std::find(key_names.begin(), key_names.end(), name);
    if (it == key_names.end())
      throw query_error("expected hour, day, level, component, file, host, client, method, path or status, got '" +
                        std::string(name) + "'");
    const auto key = static_cast<log_key>(it - key_names.begin());
    if (std::find(keys.begin(), keys.end(), key) != keys.end())
      throw query_error("'" + std::string(name) + "' given twice");
    keys.push_back(key);
    if (at == std::string_view::npos) return keys;
    text.remove_prefix(at + 1);
  }
}

bool log_counts::key_order::operator()(const group_key& a, const group_key& b) const noexcept {
  for (log_key k : *keys) {
    switch (k) {
      case log_key::hour:
        if (a.hour != b.hour) return a.hour < b.hour;
        break;
      case log_key::day:
        if (a.day != b.day) return a.day < b.day;
        break;
      case log_key::level:
        if (a.level != b.level) return a.level < b.level;
        break;
      case log_key::file:
        if (a.file != b.file) return a.file < b.file;
        break;
      case log_key::status:
        if (a.status != b.status) return a.status < b.status;
        break;
      case log_key::component:
      case log_key::host:
      case log_key::client:
      case log_key::method:
      case log_key::path: {
        const auto i = static_cast<std::size_t>(text_slot(k));
        if (a.text[i] != b.text[i]) return a.text[i] < b.text[i];
        break;
      }
    }
  }
  return false;
}

log_counts::log_counts(std::vector<log_key> keys)
    : keys_(std::make_unique<const std::vector<log_key>>(std::move(keys))),
      counts_(key_order{keys_.get()}),
      last_(counts_.end()) {}

// A moved map keeps its nodes (and `last_` stays valid) but not its end(): `last_` is reset.
log_counts::log_counts(log_counts&& other) noexcept
    : keys_(std::move(other.keys_)),
      counts_(std::move(other.counts_)),
      last_(counts_.end()),
      scratch_(std::move(other.scratch_)),
      any_changed_(other.any_changed_) {
  other.last_ = other.counts_.end();
}

log_counts& log_counts::operator=(log_counts&& other) noexcept {
  keys_ = std::move(other.keys_);
  counts_ = std::move(other.counts_);
  last_ = counts_.end();
  scratch_ = std::move(other.scratch_);
  any_changed_ = other.any_changed_;
  other.last_ = other.counts_.end();
  return *this;
}

log_counts::~log_counts() = default;

void log_counts::add(const io::log_record& r, std::size_t file) {
  // Consecutive lines mostly fall into the group of the line before: try that one first.
  for (log_key k : *keys_) {
    switch (k) {
      case log_key::hour: scratch_.hour = io::hour_bucket(r).time_since_epoch().count(); break;
      case log_key::day:
        scratch_.day = std::chrono::floor<std::chrono::days>(r.timestamp).time_since_epoch().count();
        break;
      case log_key::level: scratch_.level = static_cast<std::uint8_t>(r.level); break;
      case log_key::file: scratch_.file = file; break;
      case log_key::status: scratch_.status = r.access ? r.access->status : std::uint16_t{0}; break;
      case log_key::component:
      case log_key::host:
      case log_key::client:
      case log_key::method:
      case log_key::path: scratch_.text[static_cast<std::size_t>(text_slot(k))].assign(text_of(r, k)); break;
    }
  }
  if (last_ == counts_.end() || counts_.key_comp()(scratch_, last_->first) ||
      counts_.key_comp()(last_->first, scratch_)) {
    last_ = counts_.find(scratch_);
    if (last_ == counts_.end()) last_ = counts_.emplace(scratch_, entry{}).first;
  }
  ++last_->second.count;
  last_->second.changed = true;
  any_changed_ = true;
}

void log_counts::merge(log_counts& later) {
  // The groups `this` lacks move over as nodes; those left in `later` are in both: counts add.
  counts_.merge(later.counts_);
  for (auto& [key, e] : later.counts_) {
    entry& mine = counts_.find(key)->second;
    mine.count += e.count;
    mine.changed = mine.changed || e.changed;
  }
  later.counts_.clear();
  any_changed_ = any_changed_ || later.any_changed_;
  later.any_changed_ = false;
  last_ = counts_.end();
  later.last_ = later.counts_.end();
}

std::vector<std::string> log_counts::columns() const {
  std::vector<std::string> columns;
  for (log_key k : *keys_) columns.emplace_back(to_string(k));
  columns.emplace_back("count");
  return columns;
}

void log_counts::for_each_sorted(std::span<const std::string> file_names,
                                 const std::function<void(std::span<const io::field>)>& emit) {
  emit_groups(file_names, false, emit);
}

void log_counts::for_each_changed(std::span<const std::string> file_names,
                                  const std::function<void(std::span<const io::field>)>& emit) {
  emit_groups(file_names, true, emit);
}

void log_counts::emit_groups(std::span<const std::string> file_names, bool changed_only,
                             const std::function<void(std::span<const io::field>)>& emit) {
  const std::vector<log_key>& keys = *keys_;
  std::vector<io::field> record(keys.size() + 1);
  char hour[16];
  char day[10];
  for (auto& [key, e] : counts_) {
    if (changed_only && !e.changed) continue;
    e.changed = false;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      switch (keys[i]) {
        case log_key::hour:
          format_log_time(std::chrono::sys_seconds(std::chrono::hours(key.hour)), hour, 16);
          record[i] = std::string_view(hour, 16);
          break;
        case log_key::day:
          format_log_time(std::chrono::sys_seconds(std::chrono::days(key.day)), day, 10);
          record[i] = std::string_view(day, 10);
          break;
        case log_key::level: record[i] = to_string(static_cast<io::log_level>(key.level)); break;
        case log_key::status: record[i] = static_cast<std::uint64_t>(key.status); break;
        case log_key::component:
        case log_key::host:
        case log_key::client:
        case log_key::method:
        case log_key::path: record[i] = std::string_view(key.text[static_cast<std::size_t>(text_slot(keys[i]))]); break;
        case log_key::file:
          if (key.file < file_names.size())
            record[i] = std::string_view(file_names[key.file]);
          else
            record[i] = static_cast<std::uint64_t>(key.file);
          break;
      }
    }
    record.back() = e.count;
    emit(record);
  }
  any_changed_ = false;
}

}  // namespace yieldpipe::query
