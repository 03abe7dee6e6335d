#include "yieldpipe/io/csv_batches.hpp"

#include <stdexcept>
#include <utility>

namespace yieldpipe::io {

namespace {
void check_batch_size(std::size_t n) {
  if (n == 0) throw std::invalid_argument("csv_batches: the batch size must be at least 1");
}
}  // namespace

generator<csv_batch> csv_batches(std::string path, std::size_t n, csv_options options) {
  check_batch_size(n);
  csv_reader reader(path, std::move(options));
  csv_batch batch;
  while (const csv_row* row = reader.next()) {
    batch.push_back(*row);
    if (batch.size() == n) {
      co_yield batch;
      batch.clear();
    }
  }
  if (!batch.empty()) co_yield batch;
}

}  // namespace yieldpipe::io
