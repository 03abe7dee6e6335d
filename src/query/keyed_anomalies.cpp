#include <algorithm>
#include <yieldpipe/query/keyed_anomalies.hpp>
#include <yieldpipe/query/memory_limit_error.hpp>

namespace yieldpipe::query {

keyed_anomalies::counts& keyed_anomalies::group(std::string_view group) {
  if (const auto it = groups_.find(group); it != groups_.end()) return it->second;
  const std::uint64_t extra = sizeof(counts) + sizeof(std::string) + 4 * sizeof(void*) + group.size();
  if (max_memory_ && windows_.bytes() + groups_bytes_ + extra > *max_memory_)
    throw memory_limit_error(path_, "--max-memory " + std::to_string(*max_memory_) + " bytes exceeded by " +
                                        groups_name_ + ": " + std::to_string(groups_.size() + 1) + " groups need " +
                                        std::to_string(windows_.bytes() + groups_bytes_ + extra) +
                                        " bytes with the windows");
  groups_bytes_ += extra;
  return groups_.emplace(std::string(group), counts{}).first->second;
}

std::vector<std::pair<std::string_view, keyed_anomalies::counts>> keyed_anomalies::sorted_groups() const {
  std::vector<std::pair<std::string_view, counts>> sorted(groups_.begin(), groups_.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return sorted;
}

}  // namespace yieldpipe::query
