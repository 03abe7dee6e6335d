#pragma once
// A record that an input reader (CSV, JSON lines, logs) set aside, and the hook through which an
// error policy receives it.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "yieldpipe/iter/error_policy.hpp"

namespace yieldpipe::io {

/// A bad record, as a reader hands it to its error policy: enough to find it again (file, line,
/// byte offset) and to replay it (its text). A dead-letter sink receives it as
/// `sink(const rejected_record&, std::string_view message)`; its views are valid during the call
/// only, so a sink that keeps a record copies it (`to_string()`).
struct rejected_record {
  std::string_view path;     ///< the file as named by the user ("<stdin>" for standard input)
  std::uint64_t line = 0;    ///< the line where the record starts, from 1
  std::uint64_t offset = 0;  ///< the byte offset where the record starts, in the decompressed bytes
  std::string_view text;     ///< the record's bytes, without its line terminator

  /// `path:line: text`, one line for a log (a record's own line breaks are kept).
  std::string to_string() const {
    std::string out(path);
    out += ':';
    out += std::to_string(line);
    out += ": ";
    out += text;
    return out;
  }
};

/// How a reader reports a bad record: called with the record, a short reason (what the policy's
/// counts group by, e.g. "ragged row") and the full message (with file, line and column). Returns
/// true when reading goes on without the record, false when the reader must throw the error.
/// An empty handler means "throw": the default of every reader.
using reject_handler = std::function<bool(const rejected_record&, std::string_view reason, std::string_view message)>;

/// Adapts an iter error policy (`on_error::skip()`, `log()`, `dead_letter(sink)`, `fail()`) to a
/// reader's `reject_handler`. The policy is copied; copies share their counts, so the caller reads
/// `policy.counts()` on the policy it kept.
template <class Sink>
reject_handler reject_with(error_policy<Sink> policy) {
  return
      [policy = std::move(policy)](const rejected_record& record, std::string_view reason, std::string_view message) {
        std::string where(record.path);
        where += ':';
        where += std::to_string(record.line);
        return policy.handle(record, where, reason, message);
      };
}

}  // namespace yieldpipe::io
