#pragma once
// keyed_rows: the rows of one piece of a CSV input, kept compactly for a per-key window stage that
// reads them later, on another thread (what `anomalies` and `moving-average` do with --threads).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/rejected_record.hpp>

namespace yieldpipe::query {

/// Which fields of a row a `keyed_rows` copies besides its number.
enum class kept_fields : std::uint8_t {
  none,   ///< nothing (counts per group)
  value,  ///< the number's field as written (a moving average writes it back)
  all,    ///< every field (an anomalous row is written whole)
};

/// The rows of one piece of a CSV input as a per-key window stage needs them: per row its number, the
/// id of its key text and of its group text, and the fields asked for. Each distinct key (and group)
/// text is stored once per piece, numbered in order of first appearance, so the stage, which must
/// see every key's rows in file order and so runs on one thread, looks a key up once per piece
/// (`keys()`), not once per row; the hashing and the parsing stay on the threads that read.
///
///   query::keyed_rows rows({.value = 3, .key = 1});
///   rows.add(row, on_reject);  // on a worker, for each row of the piece
///   for (const query::keyed_rows::row& r : rows.rows()) windows[rows.keys()[r.key]].push(r.value);
///
/// Memory: 24 bytes per kept row, each distinct key and group text once (a hash node), and the kept
/// fields (their text and 4 bytes each). A piece's kept fields must stay under 4 GiB
/// (`std::length_error`). Move-only; the views it hands out are valid until it is changed.
class keyed_rows {
 public:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

  /// The columns to read: the number, the key (`none`: every row's key is ""), a group (`none`: every
  /// row's group is ""), and the fields to keep.
  struct columns {
    std::size_t value = 0;
    std::size_t key = none;
    std::size_t group = none;
    kept_fields keep = kept_fields::none;
  };

  /// One kept row.
  struct row {
    std::uint32_t key = 0;    ///< index into keys()
    std::uint32_t group = 0;  ///< index into groups()
    double value = 0;
    std::uint32_t kept = 0;  ///< its first kept field, for kept()
  };

  explicit keyed_rows(columns c) : columns_(c) {}
  keyed_rows(keyed_rows&&) noexcept = default;
  keyed_rows& operator=(keyed_rows&&) noexcept = default;
  keyed_rows(const keyed_rows&) = delete;
  keyed_rows& operator=(const keyed_rows&) = delete;

  /// Reads `r`: its number by `finite_number` (an empty field: the row is not kept; a bad number
  /// goes to `on_reject`, and is not kept, or throws), its key and group interned, the fields asked
  /// for copied. O(the fields copied) plus two hash lookups.
  void add(const io::csv_row& r, const io::reject_handler& on_reject);

  /// Forgets every row, key and group, keeping the memory for the next piece (no allocation once the
  /// buffers have grown to a piece's size).
  void clear() noexcept;

  /// The kept rows, in the order added.
  std::span<const row> rows() const noexcept { return rows_; }
  /// The key texts by id, in order of first appearance ("" without a key column).
  std::span<const std::string_view> keys() const noexcept { return keys_.names; }
  /// The group texts by id, in order of first appearance ("" without a group column).
  std::span<const std::string_view> groups() const noexcept { return groups_.names; }
  /// The number of kept fields of rows()[i] (1 for kept_fields::value).
  std::size_t kept_count(std::size_t i) const noexcept {
    return (i + 1 < rows_.size() ? rows_[i + 1].kept : field_ends_.size()) - rows_[i].kept;
  }
  /// Kept field `j` of rows()[i].
  std::string_view kept(std::size_t i, std::size_t j) const noexcept {
    const std::size_t f = rows_[i].kept + j;
    const std::size_t begin = f == 0 ? 0 : field_ends_[f - 1];
    return std::string_view(text_).substr(begin, field_ends_[f] - begin);
  }

 private:
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // Distinct texts numbered in order of first appearance; `names` views the map's nodes, which stay
  // put when the map grows or moves.
  struct interned {
    std::unordered_map<std::string, std::uint32_t, text_hash, std::equal_to<>> ids;
    std::vector<std::string_view> names;
    std::uint32_t id(std::string_view text);
    void clear() noexcept {
      ids.clear();
      names.clear();
    }
  };
  void keep(std::string_view field);

  columns columns_;
  std::vector<row> rows_;
  interned keys_;
  interned groups_;
  std::string text_;                       // the kept fields, back to back
  std::vector<std::uint32_t> field_ends_;  // where each kept field ends in text_
};

}  // namespace yieldpipe::query
