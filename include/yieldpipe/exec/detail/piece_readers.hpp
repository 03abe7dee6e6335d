#pragma once
// One reader per record format of exec/input_pieces.hpp, over a whole input (read serially) or over
// one piece (with the input's header, for CSV). Not for users.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "yieldpipe/exec/input_pieces.hpp"
#include "yieldpipe/io/csv_reader.hpp"
#include "yieldpipe/io/error.hpp"
#include "yieldpipe/io/jsonl.hpp"
#include "yieldpipe/io/lines.hpp"
#include "yieldpipe/io/log_record.hpp"

namespace yieldpipe::exec::detail {

// `options` with `hold` as its error policy: a piece's reader holds its bad records back.
template <class Options>
Options with_policy(Options options, io::reject_handler hold) {
  options.on_reject = std::move(hold);
  return options;
}

// The header of an input without one (formats other than CSV, CSV read with `header` false).
inline const io::csv_header& no_header() noexcept {
  static const io::csv_header none;
  return none;
}

template <class Format>
class records_reader;

template <>
class records_reader<csv_records> {
 public:
  using record = io::csv_row;
  static const io::input_options& input_options(const csv_records& f) noexcept { return f.options.input; }
  static const io::reject_handler& policy(const csv_records& f) noexcept { return f.options.on_reject; }

  // The whole input, its header read first.
  records_reader(io::input in, const csv_records& f) : reader_(std::move(in), f.options) {}
  // A piece: from where `in` starts, with `header`.
  records_reader(io::input in, const csv_records& f, const io::csv_header& header, io::reject_handler hold)
      : reader_(std::move(in), header, with_policy(f.options, std::move(hold))) {}

  const record* next() { return reader_.next(); }
  std::uint64_t bytes_read() const noexcept { return reader_.input().bytes_read(); }
  const io::csv_header& header() const noexcept { return reader_.header() ? *reader_.header() : no_header(); }
  static std::uint64_t offset(const record& r) noexcept { return r.offset(); }
  static std::uint64_t line(const record& r) noexcept { return r.line(); }
  /// Where the record after the last one returned starts.
  std::optional<io::csv_position> position() const noexcept { return reader_.position(); }

 private:
  io::csv_reader reader_;
};

template <>
class records_reader<line_records> {
 public:
  using record = line_record;
  static const io::input_options& input_options(const line_records& f) noexcept { return f.options.input; }
  static const io::reject_handler& policy(const line_records&) noexcept {
    static const io::reject_handler none;
    return none;
  }

  records_reader(io::input in, const line_records& f) : lines_(std::move(in), f.options.max_line_length) {}
  records_reader(io::input in, const line_records& f, const io::csv_header&, const io::reject_handler&)
      : records_reader(std::move(in), f) {}

  const record* next() {
    if (!lines_.next(line_.text)) return nullptr;
    line_.line = lines_.line_number();
    line_.offset = lines_.line_offset();
    return &line_;
  }
  std::uint64_t bytes_read() const noexcept { return lines_.input().bytes_read(); }
  static std::uint64_t offset(const record& r) noexcept { return r.offset; }
  static std::uint64_t line(const record& r) noexcept { return r.line; }
  std::optional<io::csv_position> position() const noexcept { return std::nullopt; }
  static const io::csv_header& header() noexcept { return no_header(); }

 private:
  io::line_reader lines_;
  line_record line_;
};

template <>
class records_reader<jsonl_records> {
 public:
  using record = io::json_record;
  static const io::input_options& input_options(const jsonl_records& f) noexcept { return f.options.input; }
  static const io::reject_handler& policy(const jsonl_records& f) noexcept { return f.options.on_reject; }

  records_reader(io::input in, const jsonl_records& f) : reader_(std::move(in), f.options) {}
  records_reader(io::input in, const jsonl_records& f, const io::csv_header&, io::reject_handler hold)
      : reader_(std::move(in), with_policy(f.options, std::move(hold))) {}

  const record* next() { return reader_.next(); }
  std::uint64_t bytes_read() const noexcept { return reader_.input().bytes_read(); }
  static std::uint64_t offset(const record& r) noexcept { return r.offset(); }
  static std::uint64_t line(const record& r) noexcept { return r.line(); }
  std::optional<io::csv_position> position() const noexcept { return std::nullopt; }
  static const io::csv_header& header() noexcept { return no_header(); }

 private:
  io::jsonl_reader reader_;
};

template <>
class records_reader<log_records> {
 public:
  using record = log_line;
  static const io::input_options& input_options(const log_records& f) noexcept { return f.options.input; }
  static const io::reject_handler& policy(const log_records& f) noexcept { return f.on_reject; }

  records_reader(io::input in, const log_records& f)
      : lines_(std::move(in), f.options.max_line_length), format_(f.format), on_reject_(f.on_reject) {}
  records_reader(io::input in, const log_records& f, const io::csv_header&, io::reject_handler hold)
      : lines_(std::move(in), f.options.max_line_length), format_(f.format), on_reject_(std::move(hold)) {}

  const record* next() {
    std::string_view text;
    while (lines_.next(text)) {
      if (text.empty()) continue;  // blank lines separate nothing in a log: not an error
      const io::log_parse_result r = format_.parse(text);
      if (!r) {
        reject(text);
        continue;
      }
      line_ = {*r, text, lines_.line_number(), lines_.line_offset()};
      return &line_;
    }
    return nullptr;
  }
  std::uint64_t bytes_read() const noexcept { return lines_.input().bytes_read(); }
  static std::uint64_t offset(const record& r) noexcept { return r.offset; }
  static std::uint64_t line(const record& r) noexcept { return r.line; }
  std::optional<io::csv_position> position() const noexcept { return std::nullopt; }
  static const io::csv_header& header() noexcept { return no_header(); }

 private:
  // As `yieldpipe logs`: the parser's own message (path, line, column, reason, the line's start).
  void reject(std::string_view text) {
    const std::string& path = lines_.input().path();
    try {
      (void)format_.parse_or_throw(text, path, lines_.line_number());
    } catch (const io::io_error& e) {
      if (!on_reject_ ||
          !on_reject_({path, lines_.line_number(), lines_.line_offset(), text}, "not a log line", e.what()))
        throw;
    }
  }

  io::line_reader lines_;
  io::log_format format_;
  io::reject_handler on_reject_;
  log_line line_;
};

}  // namespace yieldpipe::exec::detail
