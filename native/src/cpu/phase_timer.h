// Per-phase profiling of the CPU kernels, switched on by an environment
// variable (ELM_NEURON_PROFILE, ELM_NETWORK_PROFILE): each mark() prints the
// phase's wall time, the calling thread's CPU time, the process's CPU time
// (all threads: on a busy machine wall time alone says little) and the
// calling thread's minor page faults (first touches of fresh buffers) to stderr.
#pragma once
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace elm::cpu {

class PhaseTimer {
 public:
  PhaseTimer(const char* kernel, const char* env, const char* pass)
      : kernel_(kernel), pass_(pass), on_(std::getenv(env) != nullptr) {
    if (on_) read(t_, c_, p_, f_);
  }
  void mark(const char* phase) {
    if (!on_) return;
    double t, c, p;
    long f;
    read(t, c, p, f);
    std::fprintf(stderr, "%s %s %-16s wall %7.2f ms  thread cpu %7.2f ms  process cpu %7.2f ms  page faults %6ld\n",
                 kernel_, pass_, phase, t - t_, c - c_, p - p_, f - f_);
    t_ = t;
    c_ = c;
    p_ = p;
    f_ = f;
  }

 private:
  static double clock_ms(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
  }
  static void read(double& wall, double& thread, double& process, long& faults) {
    wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
    thread = clock_ms(CLOCK_THREAD_CPUTIME_ID);
    process = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    faults = ru.ru_minflt;
  }
  const char* kernel_;
  const char* pass_;
  bool on_;
  double t_ = 0, c_ = 0, p_ = 0;
  long f_ = 0;
};

}  // namespace elm::cpu
