// `yieldpipe load FILE|- --into sqlite:PATH|postgresql://... --table NAME`: CSV or JSON lines into a
// database table, in batches of one transaction each, with column types inferred and --resume.
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <yieldpipe/db/batch_handoff.hpp>
#include <yieldpipe/db/database.hpp>
#include <yieldpipe/db/record_rows.hpp>
#include <yieldpipe/db/row_batch.hpp>
#include <yieldpipe/db/table_loader.hpp>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/jsonl.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "csv_input.hpp"
#include "stop_signals.hpp"

namespace yieldpipe::cli {
namespace {

struct load_settings {
  std::string input;
  std::string into;
  std::string table;
  std::uint64_t batch = 10'000;
  std::string mode = "create";
  std::string types;
  bool resume = false;
  bool jsonl = false;
  bool csv = false;
  common_options common;
  dialect_flags dialect;
};

// --types a:integer,b:text
std::vector<db::column> parse_types(const std::string& text) {
  std::vector<db::column> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(at, end - at);
    const std::size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0)
      throw usage_error("--types: expected COLUMN:TYPE, got '" + item + "'");
    const auto type = db::parse_column_type(item.substr(colon + 1));
    if (!type)
      throw usage_error("--types: " + item.substr(colon + 1) + " is not a type (integer, real or text) in '" + item +
                        "'");
    out.push_back({item.substr(0, colon), *type});
    at = end + 1;
  }
  return out;
}

bool is_jsonl_name(std::string_view path) {
  for (std::string_view suffix : {".gz", ".zst"})
    if (path.ends_with(suffix)) path.remove_suffix(suffix.size());
  return path.ends_with(".jsonl") || path.ends_with(".ndjson") || path.ends_with(".json");
}

// Batches of rows for the loader, from one input; a `resume` state skips what is in already.
class batch_feed {
 public:
  // Each full batch goes to `deliver`, which leaves in it an empty batch to fill next.
  using deliver_fn = std::function<void(db::row_batch&)>;
  batch_feed(const load_settings& settings, deliver_fn deliver, io::reject_handler on_reject)
      : settings_(settings), deliver_(std::move(deliver)), on_reject_(std::move(on_reject)) {}

  void csv(const std::optional<db::load_state>& resume) {
    csv_input input(settings_.input, settings_.dialect, "load");
    io::csv_options options = input.options();
    options.on_reject = keep_in_batch();
    io::csv_reader reader = input.reader(options);
    names_ = reader.header()->names();
    check_declared();
    std::optional<io::csv_reader> from;
    std::uint64_t skip_before = 0;
    if (resume && resume->offset > 0) {
      if (reader.input().compression() == io::compression::none && !reader.input().transcoded())
        from.emplace(settings_.input, *reader.header(), io::csv_position{resume->offset, resume->line}, options);
      else
        skip_before = resume->offset;  // a compressed or transcoded file is read again up to there
    }
    io::csv_reader& rows = from ? *from : reader;
    command_progress progress(settings_.common, "load", rows.input());
    db::row_batch batch(names_);
    current_ = &batch;
    while (const io::csv_row* row = rows.next()) {
      progress.tick();
      if (row->offset() < skip_before) continue;
      db::add_row(batch, *row);
      if (batch.size() >= settings_.batch) {
        const io::csv_position end = rows.position();
        batch.set_end(end.offset, end.line);
        deliver_(batch);
      }
    }
    const io::csv_position end = rows.position();
    batch.set_end(end.offset, end.line);
    deliver_(batch);
    progress.finish();
  }

  void jsonl(const std::optional<db::load_state>& resume) {
    io::jsonl_reader reader(settings_.input, {.on_reject = keep_in_batch()});
    command_progress progress(settings_.common, "load", reader.input());
    const std::uint64_t skip_before = resume ? resume->offset : 0;
    db::row_batch batch;
    current_ = &batch;
    db::json_rows columns;
    std::uint64_t end_offset = skip_before;
    std::uint64_t end_line = resume ? resume->line : 1;
    while (const io::json_record* record = reader.next()) {
      progress.tick();
      if (record->offset() < skip_before) continue;
      columns.add(batch, *record);
      // The next line starts after this one's line break (a \r\n one leaves a blank line to skip).
      end_offset = record->offset() + record->text().size() + 1;
      end_line = record->line() + 1;
      if (batch.size() >= settings_.batch) {
        batch.set_end(end_offset, end_line);
        deliver_(batch);
      }
    }
    batch.set_end(end_offset, end_line);
    deliver_(batch);
    names_ = columns.names();
    check_declared();
    progress.finish();
  }

  const std::vector<std::string>& names() const noexcept { return names_; }

 private:
  // The reader's policy, which also keeps each row it sets aside with the batch being filled (the
  // stretch of input the row is in): the load-rejects table gets it in that batch's transaction.
  io::reject_handler keep_in_batch() {
    return [this](const io::rejected_record& r, std::string_view reason, std::string_view message) {
      if (!on_reject_ || !on_reject_(r, reason, message)) return false;
      if (current_ != nullptr)
        current_->add_reject({r.line, r.offset, std::string(reason), std::string(message), std::string(r.text)});
      return true;
    };
  }

  void check_declared() const {
    for (const db::column& c : parse_types(settings_.types)) {
      bool found = false;
      for (const std::string& n : names_) found = found || n == c.name;
      if (!found && !names_.empty()) throw usage_error("--types: the input has no column '" + c.name + "'");
    }
  }

  const load_settings& settings_;
  deliver_fn deliver_;
  io::reject_handler on_reject_;
  db::row_batch* current_ = nullptr;  // the batch being filled (moved into, never elsewhere)
  std::vector<std::string> names_;
};

// The reject handler shared by the reading and the loading thread.
io::reject_handler locked(io::reject_handler handler, std::mutex& mutex) {
  if (!handler) return handler;
  return [handler = std::move(handler), &mutex](const io::rejected_record& r, std::string_view reason,
                                                std::string_view message) {
    const std::lock_guard lock(mutex);
    return handler(r, reason, message);
  };
}

void run_load(const load_settings& settings) {
  if (settings.table.empty()) throw usage_error("--table: a table name is required");
  const auto mode = db::parse_load_mode(settings.mode);
  if (!mode) throw usage_error("--mode: expected create, append or replace, got '" + settings.mode + "'");
  if (settings.resume && settings.input == "-") throw usage_error("--resume: standard input cannot be read again");
  if (settings.jsonl && settings.csv) throw usage_error("--jsonl and --csv exclude each other");
  const std::vector<db::column> declared = parse_types(settings.types);
  const bool jsonl = settings.jsonl || (!settings.csv && is_jsonl_name(settings.input));

  rejects bad(settings.common.on_error);
  std::mutex rejects_mutex;
  const io::reject_handler on_reject = locked(bad.handler(), rejects_mutex);
  const std::unique_ptr<db::database> database = db::open_database(settings.into);
  const db::source_identity source = db::source_identity::of(settings.input);

  db::load_options options{.table = settings.table, .mode = *mode, .declared = declared};
  options.on_reject = on_reject;
  options.before_commit = [] {
    if (stop_signal) throw interrupted(stop_signal);
  };
  options.on_reconnect = [&](std::string_view error, std::chrono::milliseconds delay) {
    std::cerr << "yieldpipe load: " << error << "; connecting again in " << std::chrono::duration<double>(delay).count()
              << " s\n";
  };

  std::optional<db::load_state> resume;
  if (settings.resume) {
    resume = db::table_loader::resume_state(*database, settings.table, source, options);
    if (resume->complete) {
      std::cerr << "yieldpipe load: " << settings.table << ": the load of " << resume->source.path
                << " is complete already (" << resume->rows << " rows in " << resume->batches << " batches)\n";
      return;
    }
  }
  std::optional<db::table_loader> loader;
  if (resume)
    loader.emplace(*database, options, *resume);
  else
    loader.emplace(*database, options, source);

  const auto read = [&](batch_feed& feed) {
    if (jsonl)
      feed.jsonl(resume);
    else
      feed.csv(resume);
  };
  std::vector<std::string> names;
  try {
    if (settings.common.threads <= 1) {
      batch_feed feed(
          settings,
          [&](db::row_batch& batch) {
            loader->load(batch);
            batch.clear();
          },
          on_reject);
      read(feed);
      names = feed.names();
    } else {
      db::batch_handoff handoff;
      batch_feed feed(
          settings, [&](db::row_batch& batch) { handoff.put(batch); }, on_reject);
      std::thread reader([&] {
        try {
          read(feed);
          handoff.close(nullptr);
        } catch (const db::batch_handoff::cancelled&) {
          handoff.close(nullptr);
        } catch (...) {
          handoff.close(std::current_exception());
        }
      });
      try {
        db::row_batch batch;
        while (handoff.take(batch)) loader->load(batch);
      } catch (...) {
        handoff.cancel();
        reader.join();
        throw;
      }
      reader.join();
      names = feed.names();
    }
    loader->finish(names);
  } catch (...) {
    // The batches committed stay, and so do the records they set aside.
    bad.flush();
    bad.finish("load");
    throw;
  }
  bad.flush();
  std::cerr << "yieldpipe load: " << loader->rows_loaded() << " rows into " << settings.table << " ("
            << database->name() << ") in " << loader->batches() << (loader->batches() == 1 ? " batch" : " batches")
            << '\n';
  bad.finish("load");
}

}  // namespace

void add_load_command(CLI::App& app) {
  auto settings = std::make_shared<load_settings>();
  auto* cmd = app.add_subcommand("load", "Load a CSV or JSON lines file into a SQLite or PostgreSQL table, in batches");
  cmd->add_option("file", settings->input,
                  "The file (CSV, or JSON lines when named .jsonl/.ndjson/.json; gzip and zstd are read as they "
                  "are); - is standard input")
      ->required();
  cmd->add_option("--into", settings->into, "The database: sqlite:PATH or postgresql://[user@]host[:port]/dbname")
      ->required()
      ->type_name("DB");
  cmd->add_option("--table", settings->table, "The table to load into")->required()->type_name("NAME");
  cmd->add_option("--batch", settings->batch, "Rows per batch: each batch is one transaction")
      ->type_name("ROWS")
      ->check(whole_number(1))
      ->capture_default_str();
  cmd->add_option("--mode", settings->mode,
                  "create: a new table (an error if it exists); append: add rows (the table keeps its types); "
                  "replace: drop and make it again")
      ->check(CLI::IsMember({"create", "append", "replace"}))
      ->capture_default_str();
  cmd->add_option("--types", settings->types,
                  "Column types to use instead of inferring them: COL:TYPE,... with TYPE integer, real or text; a "
                  "value that does not fit goes to --on-error")
      ->type_name("COL:TYPE,...");
  cmd->add_flag("--resume", settings->resume,
                "Go on with an interrupted load of the same file into the same table, after its last committed "
                "batch (the file must not have changed)");
  cmd->add_flag("--jsonl", settings->jsonl, "Read JSON lines whatever the file's name");
  cmd->add_flag("--csv", settings->csv, "Read CSV whatever the file's name");
  add_run_options(*cmd, settings->common);
  add_threads_option(*cmd, settings->common);
  add_dialect_options(*cmd, settings->dialect);
  cmd->footer(
      "Examples:\n"
      "  yieldpipe load sensors.csv --into sqlite:sensors.db --table readings\n"
      "  yieldpipe load sensors.csv.gz --into sqlite:sensors.db --table readings --mode replace --types id:text\n"
      "  yieldpipe load events.jsonl --into postgresql://me@localhost/analytics --table events --batch 50000\n"
      "  yieldpipe load sensors.csv --into sqlite:sensors.db --table readings --resume   # after an interruption\n"
      "\n"
      "Types are inferred: integer, then real, then text, widened when a later value needs it; a value with a\n"
      "leading zero (007) stays text; an empty field is NULL. Each batch is one transaction, with a row in\n"
      "yieldpipe_load_state saying how far the load got: Ctrl-C rolls the current batch back (exit 130), and\n"
      "--resume goes on from there. See docs/db.md.");
  cmd->callback([settings] { run_command("load", settings->common, [&] { run_load(*settings); }); });
}

YIELDPIPE_COMMAND(45, add_load_command);

}  // namespace yieldpipe::cli
