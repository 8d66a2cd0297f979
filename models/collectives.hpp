// Collective communication time over links described by bandwidth (bytes/s per direction, per
// participant) and latency, with explicit algorithms (Thakur et al. 2005; NCCL's ring and tree):
//   ring all-reduce:  2 (n-1)/n x B / bw + 2 (n-1) x lat
//   tree all-reduce:  2 x B / bw + 2 log2(n) x lat        (pipelined double binary tree)
//   hierarchical:     reduce-scatter inside each group of k over the fast link, all-reduce of B/k
//                     across the n/k groups over the slow link, all-gather inside the group
// All-gather and reduce-scatter move half of an all-reduce's bytes. A registry names them; `best`
// picks the fastest, as NCCL's tuner does.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace gigasim {

struct LinkSpec {
  double bandwidth_bytes_per_s = 0;  // per participant, per direction
  double latency_s = 0;
};

struct CollectiveInput {
  double bytes = 0;  // the buffer each participant holds
  std::int64_t participants = 1;
  LinkSpec link;  // between participants (the slow link for hierarchical)
  std::int64_t group = 1;  // hierarchical: participants per fast group (1 = none)
  LinkSpec group_link;  // hierarchical: inside a group
};

using AllReduceFn = std::function<double(const CollectiveInput&)>;

// name -> all-reduce time function: "ring", "tree", "hierarchical".
const std::map<std::string, AllReduceFn>& allreduce_algorithms();

struct CollectiveTime {
  double time_s = 0;
  std::string algorithm;
  double slow_link_bytes = 0;  // what each participant sends over the (slow) link between groups
};
// Bytes each participant sends over the slow link for `algorithm` (ring 2(n-1)/n B, tree 2B,
// hierarchical 2(G-1)/G B/k with G = n/k groups).
double slow_link_bytes(const std::string& algorithm, const CollectiveInput& in);
// The fastest registered algorithm for an all-reduce (0 for one participant).
CollectiveTime best_allreduce(const CollectiveInput& in);
// All-gather or reduce-scatter of a buffer of `bytes` (the gathered size) over a ring.
double ring_allgather_s(double bytes, std::int64_t participants, const LinkSpec& link);
// Point-to-point transfer.
double p2p_s(double bytes, const LinkSpec& link);

}  // namespace gigasim
