#include "yieldpipe/db/table_loader.hpp"

#include <algorithm>
#include <thread>
#include <utility>

#include "yieldpipe/db/db_error.hpp"
#include "yieldpipe/io/error.hpp"

namespace yieldpipe::db {

std::optional<load_mode> parse_load_mode(std::string_view text) noexcept {
  if (text == "create") return load_mode::create;
  if (text == "append") return load_mode::append;
  if (text == "replace") return load_mode::replace;
  return std::nullopt;
}

namespace {

// Runs `attempt` again after each lost connection, `db` reconnected with the backoff of `options`;
// past `options.reconnect_for`, the last loss is the error.
void retry_lost_connections(database& db, const load_options& options, const std::function<void()>& attempt) {
  using clock = std::chrono::steady_clock;
  const auto give_up = clock::now() + options.reconnect_for;
  std::chrono::milliseconds delay(100);
  for (;;) {
    try {
      attempt();
      return;
    } catch (const connection_lost& e) {
      // Reconnect with backoff, then attempt again; past the deadline, the last loss is the error.
      for (;;) {
        if (clock::now() + delay > give_up) throw;
        if (options.on_reconnect) options.on_reconnect(e.what(), delay);
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, options.reconnect_max_delay);
        if (options.before_commit) options.before_commit();
        try {
          db.reconnect();
          break;
        } catch (const db_error&) {
        }
      }
    }
  }
}

}  // namespace

// What one batch does to the table, worked out before its transaction so that a retry does the same.
struct table_loader::plan {
  std::vector<column> after;           // the table's columns after the batch, in table order
  std::vector<bool> widenable;         // per column of `after`
  std::size_t existing = 0;            // columns of `after` the table has before the batch
  bool create = false;                 // the transaction creates the table
  bool drop_first = false;             // ... after dropping it (replace)
  std::vector<column> insert_columns;  // per batch column: its name, and its type in `after`
  std::vector<std::uint32_t> rows;     // rows to insert (those that fit)
};

table_loader::table_loader(database& db, load_options options, source_identity source)
    : db_(db), options_(std::move(options)) {
  state_.table = options_.table;
  state_.source = std::move(source);
  state_.declared = format_declared(options_.declared);
  fresh_ = true;
}

table_loader::table_loader(database& db, load_options options, const load_state& state)
    : db_(db), options_(std::move(options)), state_(state) {
  options_.declared = parse_declared(state.declared);
  std::optional<std::vector<column>> columns;
  with_reconnects([&] { columns = db_.columns_of(options_.table); });
  if (!columns) throw db_error(db_.name(), "cannot resume: table \"" + options_.table + "\" is gone");
  columns_ = std::move(*columns);
  for (const column& c : columns_) {
    const bool declared = std::any_of(options_.declared.begin(), options_.declared.end(),
                                      [&](const column& d) { return d.name == c.name; });
    widenable_.push_back(state_.created && !declared);
  }
  table_ready_ = true;
}

load_state table_loader::resume_state(database& db, const std::string& table, const source_identity& now,
                                      const load_options& retry) {
  std::optional<load_state> state;
  retry_lost_connections(db, retry, [&] { state = db.read_state(table); });
  if (!state) throw db_error(db.name(), "nothing to resume: no load into table \"" + table + "\" is recorded");
  if (!now.resumable)
    throw db_error(db.name(),
                   "cannot resume from " + now.path + ": only a file can be resumed, not standard input or a pipe");
  if (!state->source.resumable)
    throw db_error(db.name(), "cannot resume: the load into \"" + table + "\" read " + state->source.path +
                                  ", which was not a file (standard input or a pipe)");
  const source_identity& then = state->source;
  if (then.size != now.size || then.head_crc != now.head_crc || then.tail_crc != now.tail_crc) {
    std::string why =
        then.size != now.size
            ? "its size was " + std::to_string(then.size) + " bytes and is " + std::to_string(now.size)
            : std::string(then.head_crc != now.head_crc ? "its first MiB differs" : "its last MiB differs");
    throw db_error(db.name(), "cannot resume: " + now.path + " is not the file the load into \"" + table +
                                  "\" was reading (" + then.path + "): " + why +
                                  "; --mode replace loads it again from the start");
  }
  return *state;
}

std::string table_loader::format_declared(const std::vector<column>& declared) {
  std::string out;
  for (const column& c : declared) {
    if (!out.empty()) out += ',';
    for (char ch : c.name) {
      if (ch == ',' || ch == ':' || ch == '\\') out += '\\';
      out += ch;
    }
    out += ':';
    out += to_string(c.type);
  }
  return out;
}

std::vector<column> table_loader::parse_declared(std::string_view text) {
  std::vector<column> out;
  std::string name;
  std::string type;
  std::string* field = &name;
  const auto flush = [&] {
    if (name.empty() && type.empty()) return;
    out.push_back({name, parse_column_type(type).value_or(column_type::text)});
    name.clear();
    type.clear();
    field = &name;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\\' && i + 1 < text.size()) {
      *field += text[++i];
    } else if (ch == ':' && field == &name) {
      field = &type;
    } else if (ch == ',') {
      flush();
    } else {
      *field += ch;
    }
  }
  flush();
  return out;
}

void table_loader::plan_batch(const row_batch& batch, plan& p) {
  p.after = columns_;
  p.widenable = widenable_;
  p.create = false;
  p.drop_first = false;
  if (!table_ready_) {
    std::optional<std::vector<column>> existing;
    if (options_.mode != load_mode::replace) existing = db_.columns_of(options_.table);
    if (existing && options_.mode == load_mode::create)
      throw db_error(db_.name(), "table \"" + options_.table +
                                     "\" exists already: --mode append adds rows to it, --mode replace makes it again");
    if (existing) {
      p.after = std::move(*existing);
      p.widenable.assign(p.after.size(), false);  // a table that was there keeps its types
    } else {
      p.create = true;
      p.drop_first = options_.mode == load_mode::replace;
    }
  }
  p.existing = p.create ? 0 : p.after.size();

  // Batch column -> table column; columns new to the table are added, typed from the values.
  std::vector<std::size_t> to_table(batch.columns());
  for (std::size_t c = 0; c < batch.columns(); ++c) {
    const std::string& name = batch.names()[c];
    auto found = std::find_if(p.after.begin(), p.after.end(), [&](const column& col) { return col.name == name; });
    if (found == p.after.end()) {
      const auto declared = std::find_if(options_.declared.begin(), options_.declared.end(),
                                         [&](const column& d) { return d.name == name; });
      if (declared != options_.declared.end()) {
        p.after.push_back(*declared);
        p.widenable.push_back(false);
      } else {
        // Narrowest first; an empty load (finish) makes its unknown columns text.
        p.after.push_back({name, batch.empty() ? column_type::text : column_type::integer});
        p.widenable.push_back(true);
      }
      found = p.after.end() - 1;
    }
    to_table[c] = static_cast<std::size_t>(found - p.after.begin());
  }

  // The rows that fit, and the types they need.
  if (!batch.classified()) batch.classify();
  p.rows.clear();
  std::vector<column_type> types(batch.columns());
  for (std::uint32_t r = 0; r < batch.size(); ++r) {
    std::optional<std::size_t> bad;
    for (std::size_t c = 0; c < batch.columns() && !bad; ++c) {
      const row_batch::field f = batch.at(r, c);
      if (f.kind == field_kind::null) continue;
      types[c] = batch.type_at(r, c);
      const column& target = p.after[to_table[c]];
      if (!p.widenable[to_table[c]] && !fits(types[c], target.type)) bad = c;
    }
    if (bad) {
      const column& target = p.after[to_table[*bad]];
      reject(batch, r, "type",
             "column \"" + target.name + "\": \"" + std::string(batch.at(r, *bad).value) + "\" is not " +
                 (target.type == column_type::integer ? "an integer" : "a number"));
      continue;
    }
    for (std::size_t c = 0; c < batch.columns(); ++c) {
      if (batch.at(r, c).kind == field_kind::null) continue;
      column& target = p.after[to_table[c]];
      if (p.widenable[to_table[c]]) target.type = wider(target.type, types[c]);
    }
    p.rows.push_back(r);
  }
  p.insert_columns.clear();
  for (std::size_t c = 0; c < batch.columns(); ++c) p.insert_columns.push_back(p.after[to_table[c]]);
}

void table_loader::reject(const row_batch& batch, std::uint32_t row, std::string_view reason,
                          const std::string& description) {
  if (row < reported_.size() && reported_[row]) return;
  const row_origin origin = batch.origin(row);
  const io::rejected_record record{state_.source.path, origin.line, origin.offset, origin.text};
  const io::io_error error(state_.source.path, description, {.offset = origin.offset, .line = origin.line});
  if (!options_.on_reject || !options_.on_reject(record, reason, error.what())) throw error;
  kept_.push_back({origin.line, origin.offset, std::string(reason), error.what(), std::string(origin.text)});
  if (row >= reported_.size()) reported_.resize(row + 1);
  reported_[row] = true;
  ++rejected_;
}

void table_loader::insert_rows(const row_batch& batch, const plan& p, std::vector<std::uint32_t> rows,
                               std::uint64_t& inserted) {
  if (rows.empty()) return;
  db_.savepoint();
  try {
    db_.insert(options_.table, p.insert_columns, batch, rows);
    db_.release_savepoint();
    inserted += rows.size();
    return;
  } catch (const row_refused& e) {
    db_.rollback_to_savepoint();
    db_.release_savepoint();
    if (rows.size() == 1 || e.row()) {
      // The refused row, by name or by halving down to one: set aside; the rest go in.
      const std::size_t at = rows.size() == 1 ? 0 : *e.row();
      reject(batch, rows[at], "refused", "refused by " + db_.name() + ": " + e.reason());
      std::vector<std::uint32_t> before(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(at));
      std::vector<std::uint32_t> after(rows.begin() + static_cast<std::ptrdiff_t>(at) + 1, rows.end());
      insert_rows(batch, p, std::move(before), inserted);
      insert_rows(batch, p, std::move(after), inserted);
      return;
    }
    const auto half = rows.begin() + static_cast<std::ptrdiff_t>(rows.size() / 2);
    insert_rows(batch, p, std::vector<std::uint32_t>(rows.begin(), half), inserted);
    insert_rows(batch, p, std::vector<std::uint32_t>(half, rows.end()), inserted);
  }
}

bool table_loader::committed_already(std::uint64_t batches) {
  const std::optional<load_state> now = db_.read_state(options_.table);
  if (!now || now->batches != batches || now->source != state_.source) return false;
  state_ = *now;
  return true;
}

void table_loader::with_reconnects(const std::function<void()>& attempt) {
  retry_lost_connections(db_, options_, attempt);
}

void table_loader::run_batch(const row_batch& batch, plan& p, bool finishing) {
  // A batch of rows set aside only (the end of an input) still moves the state past them.
  const bool counts = !batch.empty() || !batch.rejects().empty();
  bool lost = false;  // a connection was lost: did the last commit go through?
  with_reconnects([&] {
    if (lost) {
      if (counts ? committed_already(state_.batches + 1)
                 : committed_already(state_.batches) && state_.complete == finishing) {
        fresh_ = false;
        return;
      }
      lost = false;
    }
    try {
      db_.begin();
      if (p.drop_first) {
        db_.drop_table(options_.table);
        db_.clear_state(options_.table);
      }
      if (p.create) {
        db_.create_table(options_.table, p.after);
      } else {
        // Widen first, on the table as it is; then add the new columns with their types.
        std::vector<column> now =
            table_ready_
                ? columns_
                : std::vector<column>(p.after.begin(), p.after.begin() + static_cast<std::ptrdiff_t>(p.existing));
        for (std::size_t i = 0; i < p.existing; ++i) {
          if (now[i].type == p.after[i].type) continue;
          now[i].type = p.after[i].type;
          db_.widen_column(options_.table, now, i);
        }
        for (std::size_t i = p.existing; i < p.after.size(); ++i) db_.add_column(options_.table, p.after[i]);
      }
      std::uint64_t inserted = 0;
      insert_rows(batch, p, p.rows, inserted);
      if (fresh_) db_.clear_rejects(options_.table);
      db_.write_rejects(options_.table, state_.source.path, batch.rejects());
      db_.write_rejects(options_.table, state_.source.path, kept_);
      load_state next = state_;
      if (counts) {
        next.offset = batch.end_offset();
        next.line = batch.end_line();
        ++next.batches;
        next.rows += inserted;
      }
      next.complete = finishing;
      next.created = state_.created || p.create;
      db_.write_state(next);
      if (options_.before_commit) options_.before_commit();
      db_.commit();
      state_ = std::move(next);
      fresh_ = false;
    } catch (const connection_lost&) {
      db_.rollback();
      lost = true;
      throw;
    } catch (...) {
      db_.rollback();
      throw;
    }
  });
  columns_ = std::move(p.after);
  widenable_ = std::move(p.widenable);
  table_ready_ = true;
}

void table_loader::load(const row_batch& batch) {
  if (batch.empty() && batch.rejects().empty()) return;
  reported_.clear();
  kept_.clear();
  plan p;
  with_reconnects([&] { plan_batch(batch, p); });
  run_batch(batch, p, false);
}

void table_loader::finish(const std::vector<std::string>& names) {
  reported_.clear();
  kept_.clear();
  row_batch none(table_ready_ ? std::vector<std::string>{} : names);
  plan p;
  with_reconnects([&] { plan_batch(none, p); });
  run_batch(none, p, true);
}

}  // namespace yieldpipe::db
