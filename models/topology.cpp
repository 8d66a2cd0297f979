#include "topology.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>

#include <algorithm>
#include <limits>
#include <numeric>

namespace gigasim {
namespace {

// Tier graph (undirected): halls, buildings, campus. Blocks hang off their hall and are added only where
// needed (connectivity), since every block of a hall is equivalent.
using TierGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

struct TierIndex {
  std::size_t hall(std::size_t h) const { return h; }
  std::size_t building(std::size_t b) const { return halls + b; }
  std::size_t campus() const { return halls + buildings; }
  std::size_t halls, buildings;
};

// Flow graph (directed, with residuals) for max-flow.
using FlowTraits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using FlowGraph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS,
    boost::property<boost::vertex_index_t, long,
                    boost::property<boost::vertex_color_t, boost::default_color_type,
                                    boost::property<boost::vertex_distance_t, long,
                                                    boost::property<boost::vertex_predecessor_t, FlowTraits::edge_descriptor>>>>,
    boost::property<boost::edge_capacity_t, double,
                    boost::property<boost::edge_residual_capacity_t, double, boost::property<boost::edge_reverse_t, FlowTraits::edge_descriptor>>>>;

class FlowBuilder {
 public:
  explicit FlowBuilder(std::size_t vertices) : g_(vertices) {}
  void arc(std::size_t u, std::size_t v, double capacity) {
    auto cap = boost::get(boost::edge_capacity, g_);
    auto rev = boost::get(boost::edge_reverse, g_);
    const auto e = boost::add_edge(u, v, g_).first;
    const auto r = boost::add_edge(v, u, g_).first;
    cap[e] = capacity;
    cap[r] = 0;
    rev[e] = r;
    rev[r] = e;
  }
  // An undirected link between u (leaving from u_out) and v (arriving at v_in), both directions.
  void link(std::size_t u_in, std::size_t u_out, std::size_t v_in, std::size_t v_out, double capacity) {
    arc(u_out, v_in, capacity);
    arc(v_out, u_in, capacity);
  }
  double max_flow(std::size_t s, std::size_t t) { return boost::boykov_kolmogorov_max_flow(g_, s, t); }

 private:
  FlowGraph g_;
};

}  // namespace

Topology::Topology(const PlatformLayout& layout) : layout_(&layout), blocks_(layout.hosts), halls_(layout.halls.size()) {
  const TierIndex ix{halls_, layout.buildings.size()};
  TierGraph g(ix.campus() + 1);
  for (std::size_t h = 0; h < halls_; ++h) boost::add_edge(ix.hall(h), ix.building(static_cast<std::size_t>(layout.halls[h].building)), g);
  for (std::size_t b = 0; b < layout.buildings.size(); ++b) boost::add_edge(ix.building(b), ix.campus(), g);

  hall_distance_.assign(halls_, std::vector<int>(halls_, 0));
  for (std::size_t h = 0; h < halls_; ++h) {
    std::vector<int> dist(boost::num_vertices(g), 0);
    boost::breadth_first_search(g, ix.hall(h),
                                boost::visitor(boost::make_bfs_visitor(boost::record_distances(dist.data(), boost::on_tree_edge()))));
    for (std::size_t k = 0; k < halls_; ++k) hall_distance_[h][k] = dist[ix.hall(k)];
  }

  // Connectivity of the whole fabric, blocks included (a hall with blocks must reach every other).
  TierGraph full(g);
  for (std::int64_t i = 0; i < blocks_; ++i) {
    const auto v = boost::add_vertex(full);
    boost::add_edge(v, ix.hall(layout.hall_of(i)), full);
  }
  std::vector<int> component(boost::num_vertices(full));
  const int n = boost::connected_components(full, component.data());
  connected_ = (n == 1);
}

bool Topology::connected() const { return connected_; }

int Topology::hop_distance(std::int64_t a, std::int64_t b) const {
  if (a == b) return 0;
  return 2 + hall_distance_[layout_->hall_of(a)][layout_->hall_of(b)];
}

double Topology::max_flow_bytes_per_s(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) const {
  const PlatformLayout& L = *layout_;
  // Vertices: blocks; per hall spine in/out; per building core in/out; campus core in/out; source; sink.
  const auto nb = static_cast<std::size_t>(blocks_);
  const std::size_t hall0 = nb, bld0 = hall0 + 2 * halls_, campus = bld0 + 2 * L.buildings.size(), source = campus + 2, sink = source + 1;
  FlowBuilder f(sink + 1);
  auto hin = [&](std::size_t h) { return hall0 + 2 * h; };
  auto bin = [&](std::size_t k) { return bld0 + 2 * k; };
  for (std::size_t h = 0; h < halls_; ++h) {
    const HallLayout& hall = L.halls[h];
    f.arc(hin(h), hin(h) + 1, hall.spine_bandwidth_bytes_per_s);
    for (std::int64_t i = hall.first_block; i < hall.first_block + hall.blocks; ++i)
      f.link(static_cast<std::size_t>(i), static_cast<std::size_t>(i), hin(h), hin(h) + 1, L.uplink_bandwidth_bytes_per_s);
    const auto k = static_cast<std::size_t>(hall.building);
    f.link(hin(h), hin(h) + 1, bin(k), bin(k) + 1, hall.up_bandwidth_bytes_per_s);
  }
  for (std::size_t k = 0; k < L.buildings.size(); ++k) {
    f.arc(bin(k), bin(k) + 1, L.buildings[k].core_bandwidth_bytes_per_s);
    f.link(bin(k), bin(k) + 1, campus, campus + 1, L.buildings[k].up_bandwidth_bytes_per_s);
  }
  f.arc(campus, campus + 1, L.campus_core_bandwidth_bytes_per_s);
  const double inf = std::numeric_limits<double>::max() / 4;
  for (auto i : a) f.arc(source, static_cast<std::size_t>(i), inf);
  for (auto i : b) f.arc(static_cast<std::size_t>(i), sink, inf);
  return f.max_flow(source, sink);
}

double Topology::bisection_bytes_per_s() const {
  std::vector<std::int64_t> a, b;
  for (std::int64_t i = 0; i < blocks_; ++i) (i < blocks_ / 2 ? a : b).push_back(i);
  if (a.empty() || b.empty()) return 0;
  return max_flow_bytes_per_s(a, b);
}

std::vector<Topology::Slice> Topology::nearby_free_chips(const std::vector<std::int64_t>& free_chips, std::int64_t n) const {
  const PlatformLayout& L = *layout_;
  std::vector<std::int64_t> free_in(halls_, 0);
  std::int64_t total_free = 0;
  for (std::size_t h = 0; h < halls_; ++h)
    for (std::int64_t i = L.halls[h].first_block; i < L.halls[h].first_block + L.halls[h].blocks; ++i) {
      free_in[h] += free_chips[static_cast<std::size_t>(i)];
      total_free += free_chips[static_cast<std::size_t>(i)];
    }
  if (n <= 0 || total_free < n) return {};

  std::vector<std::size_t> order(halls_);
  auto halls_by_distance = [&](std::size_t seed) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return hall_distance_[seed][x] < hall_distance_[seed][y]; });
  };
  std::size_t best_seed = halls_;
  std::int64_t best_cost = std::numeric_limits<std::int64_t>::max();
  std::int64_t best_fit_free = 0;
  for (std::size_t s = 0; s < halls_; ++s) {
    if (free_in[s] == 0) continue;
    halls_by_distance(s);
    std::int64_t need = n, cost = 0;
    for (auto h : order) {
      const std::int64_t take = std::min(need, free_in[h]);
      cost += take * hall_distance_[s][h];
      need -= take;
      if (need == 0) break;
    }
    const bool better = cost < best_cost || (cost == best_cost && cost == 0 && free_in[s] < best_fit_free);
    if (better) best_seed = s, best_cost = cost, best_fit_free = free_in[s];
  }
  halls_by_distance(best_seed);
  std::vector<Slice> picked;
  std::int64_t need = n;
  std::vector<std::int64_t> blocks;
  for (auto h : order) {
    blocks.clear();
    for (std::int64_t i = L.halls[h].first_block; i < L.halls[h].first_block + L.halls[h].blocks; ++i)
      if (free_chips[static_cast<std::size_t>(i)] > 0) blocks.push_back(i);
    // Partly used blocks first (least free first) to keep whole blocks whole; then by index.
    std::stable_sort(blocks.begin(), blocks.end(), [&](auto x, auto y) {
      const auto fx = free_chips[static_cast<std::size_t>(x)], fy = free_chips[static_cast<std::size_t>(y)];
      const bool px = fx < L.block_chips, py = fy < L.block_chips;
      if (px != py) return px;
      return px && fx < fy;
    });
    for (auto b : blocks) {
      const std::int64_t take = std::min(need, free_chips[static_cast<std::size_t>(b)]);
      picked.push_back({b, take});
      need -= take;
      if (need == 0) return picked;
    }
  }
  return picked;
}

}  // namespace gigasim
