// A plain SimGrid program (no gigasim code): loads a platform file and prints what it holds, so a test
// can show that gigasim's platforms are ordinary SimGrid platforms.
// Output: hosts=<n> cores=<n> links=<n> busy_w=<sum of the last wattage_per_state value>
#include <simgrid/s4u.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  simgrid::s4u::Engine e(&argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: load_platform PLATFORM.xml\n");
    return 2;
  }
  e.load_platform(argv[1]);
  long cores = 0;
  double busy_w = 0;
  for (const auto* h : e.get_all_hosts()) {
    cores += h->get_core_count();
    double idle = 0, eps = 0, busy = 0;
    if (const char* w = h->get_property("wattage_per_state"); w && std::sscanf(w, "%lf:%lf:%lf", &idle, &eps, &busy) == 3) busy_w += busy;
  }
  std::printf("hosts=%zu cores=%ld links=%zu busy_w=%.17g\n", e.get_host_count(), cores, e.get_link_count(), busy_w);
  return 0;
}
