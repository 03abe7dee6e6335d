// `yieldpipe walk` and `yieldpipe graph`, run through the built executable.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;

class walk_graph_test : public yieldpipe::test::cli_fixture {
 protected:
  void TearDown() override {
    std::error_code ec;
    fs::permissions(root_ / "tree" / "locked", fs::perms::owner_all, ec);
    cli_fixture::TearDown();
  }

  fs::path write(const fs::path& p, const std::string& text) const {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  // tree/a.py (3 bytes), tree/b.txt, tree/sub/c.py, tree/sub/up -> .. (a loop when followed)
  fs::path make_tree() {
    const fs::path tree = root_ / "tree";
    write(tree / "a.py", "abc");
    write(tree / "b.txt", "hello");
    write(tree / "sub" / "c.py", "x");
    fs::create_directory_symlink("..", tree / "sub" / "up");
    return tree;
  }
};

TEST_F(walk_graph_test, walk_lists_entries_in_preorder_with_type_size_and_depth) {
  const fs::path tree = make_tree();
  ASSERT_EQ(yieldpipe("walk " + tree.string()), 0) << err();
  const std::string t = tree.string();
  EXPECT_EQ(out(), "path,type,size,depth\n" + t + "/a.py,file,3,0\n" + t + "/b.txt,file,5,0\n" + t + "/sub,dir,0,0\n" +
                       t + "/sub/c.py,file,1,1\n" + t + "/sub/up,link,0,1\n");
}

TEST_F(walk_graph_test, walk_filters_by_extension_and_type) {
  const fs::path tree = make_tree();
  const std::string t = tree.string();
  ASSERT_EQ(yieldpipe("walk " + t + " --ext .py --type file"), 0) << err();
  EXPECT_EQ(out(), "path,type,size,depth\n" + t + "/a.py,file,3,0\n" + t + "/sub/c.py,file,1,1\n");
  ASSERT_EQ(yieldpipe("walk " + t + " --ext py,txt --type file --max-depth 0"), 0) << err();
  EXPECT_EQ(out(), "path,type,size,depth\n" + t + "/a.py,file,3,0\n" + t + "/b.txt,file,5,0\n");
  ASSERT_EQ(yieldpipe("walk " + t + " --type dir --type link"), 0) << err();
  EXPECT_EQ(out(), "path,type,size,depth\n" + t + "/sub,dir,0,0\n" + t + "/sub/up,link,0,1\n");
  EXPECT_EQ(yieldpipe("walk " + t + " --type socket"), 2);
}

TEST_F(walk_graph_test, a_followed_symlink_loop_is_reported_not_followed) {
  const fs::path tree = make_tree();
  const std::string t = tree.string();
  EXPECT_EQ(yieldpipe("walk " + t + " --follow-symlinks"), 1);
  EXPECT_NE(err().find("yieldpipe walk: " + t + "/sub/up"), std::string::npos) << err();

  ASSERT_EQ(yieldpipe("walk " + t + " --follow-symlinks --on-error skip"), 0) << err();
  EXPECT_NE(out().find(t + "/sub/up,link,0,1"), std::string::npos) << out();
  EXPECT_NE(err().find("1 record rejected"), std::string::npos) << err();
}

TEST_F(walk_graph_test, an_unreadable_directory_goes_to_the_error_policy) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every directory";
  const fs::path tree = make_tree();
  write(tree / "locked" / "secret.py", "s");
  fs::permissions(tree / "locked", fs::perms::none);
  EXPECT_EQ(yieldpipe("walk " + tree.string()), 1);
  EXPECT_NE(err().find("Permission denied"), std::string::npos) << err();
  const fs::path dead = root_ / "dead.csv";
  ASSERT_EQ(yieldpipe("walk " + tree.string() + " --ext .py --on-error dead-letter=" + dead.string()), 0) << err();
  EXPECT_NE(out().find("c.py"), std::string::npos);
  EXPECT_NE(err().find("1 record rejected: 1 Permission denied"), std::string::npos) << err();
  EXPECT_NE(slurp(dead).find((tree / "locked").string()), std::string::npos);
}

// a -> b, a -> c, b -> d, c -> d, d -> a, e -> a
constexpr const char* small_graph = "source,target\na,b\na,c\nb,d\nc,d\nd,a\ne,a\n";

TEST_F(walk_graph_test, graph_dfs_and_bfs_visit_in_the_guides_order_with_depths) {
  const fs::path edges = write(root_ / "edges.csv", small_graph);
  ASSERT_EQ(yieldpipe("graph " + edges.string() + " --from a --order dfs"), 0) << err();
  EXPECT_EQ(out(), "node,depth\na,0\nb,1\nd,2\nc,1\n");
  ASSERT_EQ(yieldpipe("graph " + edges.string() + " --from a --order bfs"), 0) << err();
  EXPECT_EQ(out(), "node,depth\na,0\nb,1\nc,1\nd,2\n");
  // Directed: nothing leads to e.
  ASSERT_EQ(yieldpipe("graph " + edges.string() + " --from d --order bfs"), 0) << err();
  EXPECT_EQ(out(), "node,depth\nd,0\na,1\nb,2\nc,2\n");
  ASSERT_EQ(yieldpipe("graph " + edges.string() + " --from d --order bfs --undirected"), 0) << err();
  EXPECT_EQ(out(), "node,depth\nd,0\nb,1\nc,1\na,1\ne,2\n");
}

TEST_F(walk_graph_test, graph_max_depth_and_head_stop_early) {
  const fs::path edges = write(root_ / "edges.csv", small_graph);
  ASSERT_EQ(yieldpipe("graph " + edges.string() + " --from a --order dfs --max-depth 1"), 0) << err();
  EXPECT_EQ(out(), "node,depth\na,0\nb,1\nc,1\n");
  ASSERT_EQ(yieldpipe("graph " + edges.string() + " --from a --order bfs --head 2"), 0) << err();
  EXPECT_EQ(out(), "node,depth\na,0\nb,1\n");
}

TEST_F(walk_graph_test, graph_from_an_unknown_node_exits_1) {
  const fs::path edges = write(root_ / "edges.csv", small_graph);
  EXPECT_EQ(yieldpipe("graph " + edges.string() + " --from zed"), 1);
  EXPECT_NE(err().find("yieldpipe graph: "), std::string::npos) << err();
  EXPECT_NE(err().find("node 'zed' is not in the graph (5 nodes)"), std::string::npos) << err();
  EXPECT_EQ(yieldpipe("graph " + edges.string() + " --from a --max-memory 100"), 1);
  EXPECT_NE(err().find("--max-memory 100 bytes exceeded by graph"), std::string::npos) << err();
}

TEST_F(walk_graph_test, graph_reads_what_gen_graph_writes) {
  ASSERT_EQ(yieldpipe("gen graph --rows 2000 -o " + (root_ / "g.csv").string()), 0) << err();
  ASSERT_EQ(yieldpipe("graph " + (root_ / "g.csv").string() + " --from user_000001 --undirected --order bfs"), 0)
      << err();
  const std::string text = out();
  EXPECT_EQ(text.substr(0, text.find("\n", 11) + 1), "node,depth\nuser_000001,0\n");
  EXPECT_GT(std::count(text.begin(), text.end(), '\n'), 100);
}

}  // namespace
