#include "signals.hpp"

#include <csignal>

namespace gigasim::cli {
namespace {
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_deferred = 0;  // 1 while the runner polls for signals
extern "C" void on_signal(int signo) {
  if (!g_deferred) {
    // Nothing to clean up outside the runner: take the default action now.
    std::signal(signo, SIG_DFL);
    std::raise(signo);
    return;
  }
  g_signal = signo;
}
}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void reset_signal_handlers() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

int pending_signal() { return g_signal; }

DeferSignals::DeferSignals() { g_deferred = 1; }
DeferSignals::~DeferSignals() { g_deferred = 0; }

void throw_if_interrupted() {
  if (g_signal != 0) throw Interrupted(g_signal);
}

SignalBlock::SignalBlock() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, nullptr);
}

SignalBlock::~SignalBlock() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace gigasim::cli
