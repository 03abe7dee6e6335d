// `yieldpipe graph`: the guide's depth-first and breadth-first traversals (iter's dfs, bfs) over an
// edge-list CSV.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>
#include <yieldpipe/io/csv_reader.hpp>
#include <yieldpipe/io/error.hpp>
#include <yieldpipe/iter/graph.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "csv_input.hpp"

namespace yieldpipe::cli {
namespace {

struct graph_settings {
  std::string file;
  std::string from;
  std::string order = "dfs";
  bool undirected = false;
  int max_depth = -1;
  std::int64_t head = -1;
  dialect_flags dialect;
};

using node_id = std::uint32_t;
constexpr node_id no_depth = std::numeric_limits<node_id>::max();

// The graph in compressed sparse rows: the neighbours of node n are targets[offsets[n] .. offsets[n + 1]),
// in the order of the file. Node names are interned once.
struct adjacency {
  std::vector<std::string_view> names;  // views into the keys of `ids` (stable: node-based map)
  std::unordered_map<std::string, node_id> ids;
  std::vector<std::uint64_t> offsets;
  std::vector<node_id> targets;

  std::span<const node_id> neighbours(node_id n) const {
    return {targets.data() + offsets[n], targets.data() + offsets[n + 1]};
  }
};

// Bytes per node and per edge, as counted against --max-memory (and documented in --help): a node
// costs its name, its hash node (about 64 bytes), its name view, offset and depth; an edge costs
// 8 bytes while the file is read, then 4 per direction stored.
constexpr std::uint64_t node_bytes = 64 + sizeof(std::string_view) + sizeof(std::uint64_t) + sizeof(node_id);
constexpr std::uint64_t edge_bytes = 2 * sizeof(node_id);

adjacency read_graph(const graph_settings& s, const common_options& common, rejects& rejected) {
  csv_input input(s.file, s.dialect, "graph");
  io::csv_options options = input.options();
  options.on_reject = rejected.handler();
  io::csv_reader reader = input.reader(options);
  command_progress progress(common, "graph", reader.input());
  const io::csv_header& header = *reader.header();
  const std::size_t source = header.find("source").value_or(0);
  const std::size_t target = header.find("target").value_or(1);
  if (header.size() < 2)
    throw io::io_error(reader.input().path(),
                       "an edge list needs two columns (source,target), found " + std::to_string(header.size()));
  // No limit: the largest value (not std::optional: GCC 12's -Wmaybe-uninitialized misfires on it
  // inside the lambda under -fsanitize=thread).
  const std::uint64_t max_memory =
      common.max_memory.empty() ? UINT64_MAX : parse_size(common.max_memory).value_or(UINT64_MAX);

  adjacency g;
  std::vector<std::pair<node_id, node_id>> edges;
  std::uint64_t bytes = 0;
  auto check_memory = [&] {
    if (bytes > max_memory)
      throw io::io_error(reader.input().path(),
                         "--max-memory " + std::to_string(max_memory) + " bytes exceeded by graph (the adjacency): " +
                             std::to_string(g.names.size()) + " nodes and " + std::to_string(edges.size()) +
                             " edges need " + std::to_string(bytes) + " bytes");
  };
  auto intern = [&](std::string_view name) {
    auto [it, added] = g.ids.try_emplace(std::string(name), static_cast<node_id>(g.names.size()));
    if (added) {
      if (g.names.size() == no_depth - 1) throw io::io_error(reader.input().path(), "more than 2^32 - 2 nodes");
      g.names.emplace_back(it->first);
      bytes += node_bytes + name.size();
    }
    return it->second;
  };
  while (const io::csv_row* row = reader.next()) {
    progress.tick();
    const node_id a = intern((*row)[source]);
    const node_id b = intern((*row)[target]);
    edges.emplace_back(a, b);
    bytes += edge_bytes + (s.undirected ? 2 : 1) * sizeof(node_id);
    check_memory();
  }
  progress.finish();

  // Counting sort by source, stable: each node's neighbours stay in the order of the file.
  const std::size_t n = g.names.size();
  g.offsets.assign(n + 1, 0);
  for (const auto& [a, b] : edges) {
    ++g.offsets[a + 1];
    if (s.undirected && a != b) ++g.offsets[b + 1];
  }
  for (std::size_t i = 0; i < n; ++i) g.offsets[i + 1] += g.offsets[i];
  g.targets.resize(g.offsets[n]);
  std::vector<std::uint64_t> next(g.offsets.begin(), g.offsets.end() - 1);
  for (const auto& [a, b] : edges) {
    g.targets[next[a]++] = b;
    if (s.undirected && a != b) g.targets[next[b]++] = a;
  }
  return g;
}

void run_graph(const graph_settings& s, const common_options& common) {
  if (s.order != "dfs" && s.order != "bfs") throw usage_error("--order: expected dfs or bfs, got '" + s.order + "'");
  rejects rejected(common.on_error);
  const adjacency g = read_graph(s, common, rejected);
  const auto start = g.ids.find(s.from);
  if (start == g.ids.end())
    throw io::io_error(s.file == "-" ? "<stdin>" : s.file,
                       "node '" + s.from + "' is not in the graph (" + std::to_string(g.names.size()) + " nodes)");

  // Each node's depth in the traversal's tree, recorded as the traversal first reads the node out
  // of a neighbour list. Both traversals read a node's name there exactly when they take it: dfs
  // visits it at once (or skips it, already visited), bfs queues it (or skips it) — so the first
  // read of a node is always from its parent in the tree.
  std::vector<node_id> depth(g.names.size(), no_depth);
  depth[start->second] = 0;
  const node_id max_depth = s.max_depth < 0 ? no_depth : static_cast<node_id>(s.max_depth);
  auto neighbours = [&g, &depth, max_depth](node_id node) {
    const node_id d = depth[node];
    const std::span<const node_id> all = d >= max_depth ? std::span<const node_id>() : g.neighbours(node);
    return all | std::views::transform([&depth, d](node_id next) {
             if (depth[next] == no_depth) depth[next] = d + 1;
             return next;
           });
  };

  result_output out(common, {"node", "depth"});
  std::int64_t written = 0;
  auto emit = [&](auto traversal) {
    for (const node_id node : traversal) {
      if (s.head >= 0 && written == s.head) break;
      out.write_row({g.names[node], static_cast<std::uint64_t>(depth[node])});
      ++written;
    }
  };
  if (s.order == "dfs")
    emit(dfs(neighbours, start->second));
  else
    emit(bfs(neighbours, start->second));
  rejected.flush();  // first: a dead-letter file that cannot be written leaves no result
  out.commit();
  rejected.finish("graph");
}

}  // namespace

void add_graph_command(CLI::App& app) {
  auto settings = std::make_shared<graph_settings>();
  auto common = std::make_shared<common_options>();
  auto* cmd = app.add_subcommand("graph", "The guide's graph traversals: the nodes reachable from one, DFS or BFS");
  cmd->add_option("edges", settings->file, "An edge-list CSV: source,target (- is standard input)")->required();
  cmd->add_option("--from", settings->from, "The start node")->required();
  cmd->add_option("--order", settings->order, "dfs (depth-first preorder) or bfs (level by level)")
      ->check(CLI::IsMember({"dfs", "bfs"}))
      ->capture_default_str();
  cmd->add_flag("--undirected", settings->undirected, "Each edge goes both ways (default: source -> target only)");
  cmd->add_option("--max-depth", settings->max_depth, "Do not go further than this many edges from the start");
  cmd->add_option("--head", settings->head, "Stop after this many nodes");
  add_common_options(*cmd, *common);
  add_dialect_options(*cmd, settings->dialect);
  cmd->footer(
      "Examples:\n"
      "  yieldpipe gen graph --rows 50000 -o edges.csv\n"
      "  yieldpipe graph edges.csv --from user_000001 --order bfs --undirected --max-depth 2\n"
      "  yieldpipe graph edges.csv --from user_000100 --order dfs --head 20 --format table\n"
      "\n"
      "Reads the columns source and target (else the first two). Edges are directed unless --undirected;\n"
      "a node's neighbours are tried in the order of the file. Output: node,depth, in the order visited;\n"
      "depth is the node's depth in the traversal's tree (bfs: the fewest edges from the start).\n"
      "A start node that is not in the file: exit 1.\n"
      "Memory: about 90 bytes + the name per node, 4 bytes per edge and direction (8 more per edge while\n"
      "reading), plus the visited set (about 40 bytes per visited node); counted against --max-memory.");
  cmd->callback([settings, common] { run_command("graph", *common, [&] { run_graph(*settings, *common); }); });
}

YIELDPIPE_COMMAND(75, add_graph_command);

}  // namespace yieldpipe::cli
