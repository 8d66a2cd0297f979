// SIGINT/SIGTERM during a run: the parent stops its children, removes its temporary files and exits
// with 128 + the signal, leaving any previous results untouched (nothing is written until every choice
// has finished, and the writing itself blocks the signals).
#pragma once

#include <stdexcept>

namespace gigasim::cli {

class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signo) : std::runtime_error("interrupted"), signo_(signo) {}
  int signo() const { return signo_; }

 private:
  int signo_;
};

// Installs the handlers (no SA_RESTART, so a blocking wait returns EINTR). A signal takes its default
// action immediately unless a DeferSignals is alive, in which case it is recorded for the runner.
void install_signal_handlers();
// In a child: back to the default actions.
void reset_signal_handlers();
// The signal received, or 0.
int pending_signal();
// Throws Interrupted if a signal was received.
void throw_if_interrupted();

// While alive, SIGINT/SIGTERM are recorded (pending_signal) instead of ending the process at once.
class DeferSignals {
 public:
  DeferSignals();
  ~DeferSignals();
  DeferSignals(const DeferSignals&) = delete;
  DeferSignals& operator=(const DeferSignals&) = delete;
};

// Blocks SIGINT and SIGTERM for its lifetime; a signal that arrives meanwhile is handled afterwards.
class SignalBlock {
 public:
  SignalBlock();
  ~SignalBlock();
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;
};

}  // namespace gigasim::cli
