#include "choice_runner.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "models/calendar.hpp"
#include "signals.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/report.hpp"

namespace gigasim::cli {
namespace {

namespace fs = std::filesystem;

// A private directory under /tmp, removed with everything in it when the owner goes out of scope.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();  // $TMPDIR, else /tmp
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error(fmt::format("cannot create a temporary directory: {}", std::strerror(errno)));
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The child's whole life: simulate, write the result (or the error) into `work`, exit.
[[noreturn]] void child_main(const Scenario& scenario, std::size_t index, const RunnerOptions& options, const fs::path& work, int progress_fd) {
  reset_signal_handlers();
  int code = 0;
  const HardwareChoice& choice = scenario.choices[index];
  // SimGrid reports some platform errors by aborting: keep what it prints, so the parent can explain.
  const int log_fd = ::open((work / fmt::format("{}.stderr", index)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (log_fd >= 0) ::dup2(log_fd, STDERR_FILENO), ::close(log_fd);
  try {
    sim::SimulationOptions so;
    so.simgrid_log_threshold = options.simgrid_log_threshold;
    so.scratch_dir = work;
    so.on_phase = [&work, index](const std::string& phase) { std::ofstream(work / fmt::format("{}.phase", index)) << phase; };
    if (progress_fd >= 0)
      so.progress = [progress_fd, index](double fraction, double now_s) {
        const std::string line = fmt::format("{} {} {}\n", index, fraction, now_s);
        [[maybe_unused]] auto n = ::write(progress_fd, line.data(), line.size());
      };
    if (options.check_only) {
      Scenario probe = scenario;
      probe.horizon_s = 1.0;  // load and check the platform, simulate one second
      probe.workload.pretraining.clear();
      sim::simulate_choice(probe, probe.choices[index], so);
    } else {
      const io::ChoiceResult r = sim::simulate_choice(scenario, choice, so);
      const auto file = work / fmt::format("{}.result", index);
      const auto tmp = work / fmt::format("{}.result.tmp", index);
      {
        std::ofstream out(tmp, std::ios::binary);
        io::write_result(out, r);
        out.flush();
        if (!out) throw std::runtime_error(fmt::format("{}: write failed (disk full?)", tmp.string()));
      }
      fs::rename(tmp, file);
    }
  } catch (const io::InputError& e) {
    std::ofstream(work / fmt::format("{}.error", index)) << e.what();
    code = 2;
  } catch (const std::exception& e) {
    std::ofstream(work / fmt::format("{}.error", index)) << "in choice '" << choice.name << "': " << e.what();
    code = 1;
  }
  std::fflush(nullptr);
  ::_exit(code);
}

class ProgressLine {
 public:
  ProgressLine(const Scenario& s, bool enabled) : scenario_(s), enabled_(enabled) {}
  void update(const std::string& line) {
    std::size_t index = 0;
    double fraction = 0, now = 0;
    std::istringstream in(line);
    if (!(in >> index >> fraction >> now) || index >= scenario_.choices.size()) return;
    state_[index] = {fraction, now};
    draw();
  }
  void finish() {
    if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  void draw() {
    if (!enabled_) return;
    std::string text;
    const auto start = parse_iso_date(scenario_.start_date).value_or(Date{2026, 1, 1});
    for (const auto& [i, st] : state_)
      text += fmt::format("[{} {} {:3.0f}%] ", scenario_.choices[i].name, format_iso_date(add_seconds(start, st.second)).substr(0, 7),
                          100 * st.first);
    std::fprintf(stderr, "\r\033[K%s", text.c_str());
    drawn_ = true;
  }
  const Scenario& scenario_;
  bool enabled_;
  bool drawn_ = false;
  std::map<std::size_t, std::pair<double, double>> state_;
};

}  // namespace

// Everything the simulation of a choice depends on, but its name and how it is paid for (rent): two
// choices with the same key simulate the same fleet and workload, so one simulation serves both.
std::string simulation_key(const HardwareChoice& c) {
  std::string k = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}", c.system.id, c.chips, c.block_chips, c.platform_file.string(), c.procured,
                              c.supply.chips_per_quarter, c.supply.lead_time_s, static_cast<int>(c.refresh.policy), c.refresh.min_gain);
  for (const Generation& g : c.roadmap)
    k += fmt::format("|{}:{}:{}:{}:{}", g.system.id, g.available_s, g.price_usd, g.service_life_s, static_cast<int>(g.use));
  for (const Track& t : c.tracks)
    k += fmt::format("|{}:{}:{}:{}:{}:{}:{}:{}:{}", t.name, static_cast<int>(t.use), t.power_share, t.first, t.count, t.supply.chips_per_quarter,
                     t.supply.lead_time_s, static_cast<int>(t.refresh.policy), t.refresh.min_gain);
  return k;
}

std::vector<io::ChoiceResult> run_choices(const Scenario& scenario, const RunnerOptions& options) {
  const DeferSignals defer;  // from here a signal stops the children and unwinds (removing `temp`)
  const TempDir temp("gigasim-run");
  const fs::path& work = temp.path();

  int fds[2] = {-1, -1};
  if (options.show_progress) {
    if (::pipe(fds) != 0) throw std::runtime_error("pipe() failed");
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  }
  ProgressLine progress(scenario, options.show_progress);
  std::string pending;

  const std::size_t n = scenario.choices.size();
  // A choice that simulates the same as an earlier one (they differ only in renting) reuses its result.
  std::vector<std::size_t> source(n), todo;
  for (std::size_t i = 0; i < n; ++i) {
    source[i] = i;
    for (std::size_t j = 0; j < i; ++j)
      if (source[j] == j && simulation_key(scenario.choices[j]) == simulation_key(scenario.choices[i])) {
        source[i] = j;
        break;
      }
    if (source[i] == i) todo.push_back(i);
  }
  std::vector<int> status(n, -1);
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  std::fflush(nullptr);
  while (next < todo.size() || !running.empty()) {
    while (next < todo.size() && running.size() < std::max(1u, options.parallel)) {
      const pid_t pid = ::fork();
      if (pid < 0) throw std::runtime_error(fmt::format("fork() failed: {}", std::strerror(errno)));
      if (pid == 0) {
        if (fds[0] >= 0) ::close(fds[0]);
        child_main(scenario, todo[next], options, work, fds[1]);
      }
      running[pid] = todo[next++];
    }
    if (options.show_progress) {
      pollfd p{fds[0], POLLIN, 0};
      ::poll(&p, 1, 100);
      char buf[4096];
      ssize_t got = 0;
      while ((got = ::read(fds[0], buf, sizeof buf)) > 0) {
        pending.append(buf, static_cast<std::size_t>(got));
        std::size_t nl = 0;
        while ((nl = pending.find('\n')) != std::string::npos) {
          progress.update(pending.substr(0, nl));
          pending.erase(0, nl + 1);
        }
      }
    }
    int st = 0;
    const pid_t done = ::waitpid(-1, &st, options.show_progress ? WNOHANG : 0);
    if (done > 0 && running.count(done)) {
      status[running[done]] = st;
      running.erase(done);
    }
    if (pending_signal() != 0) {
      // Stop every child, reap them, and leave (the temporary directory goes with `cleanup`).
      for (const auto& [pid, index] : running) ::kill(pid, SIGTERM);
      for (const auto& [pid, index] : running) ::waitpid(pid, nullptr, 0);
      progress.finish();
      if (fds[0] >= 0) ::close(fds[0]), ::close(fds[1]);
      throw_if_interrupted();
    }
  }
  progress.finish();
  if (fds[0] >= 0) ::close(fds[0]), ::close(fds[1]);
  for (std::size_t i = 0; i < n; ++i) status[i] = status[source[i]];

  std::vector<io::ChoiceResult> results(n);
  auto file_text = [&](std::size_t i, std::string_view ext) {
    const auto f = work / fmt::format("{}.{}", i, ext);
    return fs::exists(f) ? read_all(f) : std::string();
  };
  // What SimGrid said in a child that failed, minus backtraces: the lines before the first "Backtrace".
  auto simgrid_said = [&](std::size_t i) {
    std::istringstream in(file_text(i, "stderr"));
    std::string line, out;
    while (std::getline(in, line)) {
      if (line.find("Backtrace") != std::string::npos || line.find("backtrace") != std::string::npos) break;
      if (!line.empty()) out += (out.empty() ? "" : " | ") + line;
    }
    return out;
  };
  // Report the first failing choice in scenario order; bad input wins over internal errors.
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < n; ++i) {
      const int st = status[i];
      if (WIFEXITED(st) && WEXITSTATUS(st) == 0) continue;
      const HardwareChoice& choice = scenario.choices[i];
      const std::string msg = file_text(i, "error");
      if (pass == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 2) throw io::InputError(msg);
      // SimGrid aborts on some malformed platforms: a death while loading a user's file is bad input.
      if (pass == 0 && WIFSIGNALED(st) && file_text(i, "phase") == "load-platform" && !choice.platform_file.empty())
        throw io::InputError(fmt::format("{}: SimGrid cannot load this platform (choice '{}'): {}", choice.platform_file.string(), choice.name,
                                         simgrid_said(i)));
      if (pass == 1) {
        const std::string said = simgrid_said(i);
        if (WIFSIGNALED(st))
          throw std::runtime_error(fmt::format("the simulation of choice '{}' died with signal {}{}", choice.name, WTERMSIG(st),
                                               said.empty() ? "" : ": " + said));
        throw std::runtime_error(msg.empty() ? fmt::format("the simulation of choice '{}' failed", choice.name) : msg);
      }
    }
  // Pass on whatever the children logged (SimGrid warnings, or more with --log-level).
  for (std::size_t i : todo) std::fputs(file_text(i, "stderr").c_str(), stderr);
  if (options.check_only) return {};
  for (std::size_t i = 0; i < n; ++i) {
    if (source[i] != i) {
      results[i] = results[source[i]];
      results[i].choice = scenario.choices[i].name;
      continue;
    }
    std::ifstream in(work / fmt::format("{}.result", i), std::ios::binary);
    results[i] = io::read_result(in);
  }
  return results;
}

void run_in_children(std::size_t count, unsigned parallel, const std::function<std::string(std::size_t)>& body,
                     const std::function<void(std::size_t, const std::string&)>& on_result,
                     const std::function<std::string(std::size_t)>& what) {
  const DeferSignals defer;
  const TempDir temp("gigasim-samples");
  const fs::path& work = temp.path();
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  auto stop_all = [&] {
    for (const auto& [pid, k] : running) ::kill(pid, SIGTERM);
    for (const auto& [pid, k] : running) ::waitpid(pid, nullptr, 0);
    running.clear();
  };
  std::fflush(nullptr);
  while (next < count || !running.empty()) {
    while (next < count && running.size() < std::max(1u, parallel) && pending_signal() == 0) {
      const pid_t pid = ::fork();
      if (pid < 0) {
        stop_all();
        throw std::runtime_error(fmt::format("fork() failed: {}", std::strerror(errno)));
      }
      if (pid == 0) {
        // Keep the handlers: a child running choices stops its own children on SIGTERM.
        const std::size_t k = next;
        int code = 0;
        try {
          io::write_file_atomic(work / fmt::format("{}.out", k), body(k));
        } catch (const io::InputError& e) {
          std::ofstream(work / fmt::format("{}.error", k)) << e.what();
          code = 2;
        } catch (const std::exception& e) {
          std::ofstream(work / fmt::format("{}.error", k)) << e.what();
          code = 1;
        }
        std::fflush(nullptr);
        ::_exit(code);
      }
      running[pid] = next++;
    }
    int st = 0;
    const pid_t done = ::waitpid(-1, &st, 0);
    if (pending_signal() != 0) {
      if (done > 0) running.erase(done);
      stop_all();
      throw_if_interrupted();
    }
    if (done <= 0 || !running.count(done)) continue;
    const std::size_t k = running[done];
    running.erase(done);
    const fs::path out = work / fmt::format("{}.out", k), err = work / fmt::format("{}.error", k);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
      on_result(k, read_all(out));
      std::error_code ec;
      fs::remove(out, ec);
      continue;
    }
    const std::string msg = fs::exists(err) ? read_all(err) : std::string();
    stop_all();
    if (WIFEXITED(st) && WEXITSTATUS(st) == 2) throw io::InputError(fmt::format("{}: {}", what(k), msg));
    if (WIFSIGNALED(st)) throw std::runtime_error(fmt::format("{}: died with signal {}{}", what(k), WTERMSIG(st), msg.empty() ? "" : ": " + msg));
    throw std::runtime_error(fmt::format("{}: {}", what(k), msg.empty() ? "failed" : msg));
  }
}

std::string run_in_child(const std::function<std::string()>& body) {
  const TempDir temp("gigasim-child");
  const fs::path& work = temp.path();
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork() failed: {}", std::strerror(errno)));
  if (pid == 0) {
    reset_signal_handlers();
    int code = 0;
    try {
      io::write_file_atomic(work / "out", body());
    } catch (const io::InputError& e) {
      std::ofstream(work / "error") << e.what();
      code = 2;
    } catch (const std::exception& e) {
      std::ofstream(work / "error") << e.what();
      code = 1;
    }
    std::fflush(nullptr);
    ::_exit(code);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return read_all(work / "out");
  const std::string msg = fs::exists(work / "error") ? read_all(work / "error") : std::string();
  if (WIFEXITED(st) && WEXITSTATUS(st) == 2) throw io::InputError(msg);
  throw std::runtime_error(msg.empty() ? fmt::format("child process failed (status {})", st) : msg);
}

}  // namespace gigasim::cli
