// The scale-out fabric of a platform as a graph (Boost.Graph), for the questions the simulation does not
// answer by itself: is every block reachable, how far apart are two blocks, what bandwidth can flow
// between two groups of blocks (max-flow; the hall spine and the core switches are node capacities),
// and which free blocks are nearest each other for a new job.
//
// Vertices: blocks, one per hall spine, one per building core, the campus core. Edges: block uplinks,
// hall uplinks, building uplinks (bandwidths per direction, from the PlatformLayout).
#pragma once

#include <cstdint>
#include <vector>

#include "platform_layout.hpp"

namespace gigasim {

class Topology {
 public:
  explicit Topology(const PlatformLayout& layout);

  std::int64_t blocks() const { return blocks_; }
  bool connected() const;
  // Links on the path between two blocks: 0 for the same block, 2 inside a hall (up, down),
  // 4 across halls of a building, 6 across buildings.
  int hop_distance(std::int64_t block_a, std::int64_t block_b) const;
  // Maximum bandwidth (bytes/s, one direction) from group `a` to group `b` (disjoint sets of blocks).
  double max_flow_bytes_per_s(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) const;
  // Bisection bandwidth: the first half of the blocks to the second half.
  double bisection_bytes_per_s() const;
  struct Slice {
    std::int64_t block = 0;
    std::int64_t chips = 0;
    bool operator==(const Slice&) const = default;
  };
  // `n` free chips (free_chips[i] per block) close together: the seed hall whose nearest free chips have
  // the smallest total hop distance (a hall that fits alone costs 0; among those the fullest, i.e. best
  // fit), then halls by distance; inside a hall, partly used blocks first (least free first), then
  // whole blocks by index. Empty when fewer than n chips are free.
  std::vector<Slice> nearby_free_chips(const std::vector<std::int64_t>& free_chips, std::int64_t n) const;

 private:
  const PlatformLayout* layout_;
  std::int64_t blocks_ = 0;
  std::size_t halls_ = 0;
  std::vector<std::vector<int>> hall_distance_;  // hops between hall spines (BFS over the tier graph)
  bool connected_ = false;
};

}  // namespace gigasim
