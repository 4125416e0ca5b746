package io.streamlake.generators.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this process from {@code /proc/self/stat} (utime + stime), of its JIT and GC threads,
 * and the load average: for the benchmarks (this one, and the Beam-vs-native harness in {@code bench/}).
 */
public final class ProcStat {
  private ProcStat() {}

  /** Clock ticks per second ({@code getconf CLK_TCK}); bench.sh passes it, 100 on Linux in practice. */
  static final long CLK_TCK = Long.getLong("bench.clkTck", 100);

  /** User plus system CPU seconds this process has used so far. */
  public static double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      return (utime + stime) / (double) CLK_TCK;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/self/stat: " + e.getMessage(), e);
    }
  }

  /**
   * CPU seconds so far of this process's JIT compiler threads and garbage collector threads (from {@code
   * /proc/self/task/<tid>/stat}; both live as long as the JVM, so a difference of two readings is exact).
   */
  public static double[] jitAndGcCpuSeconds() {
    double jit = 0;
    double gc = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended in between
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLK_TCK;
        if (name.contains("Compiler")) {
          jit += seconds;
        } else if (name.contains("GC") || name.startsWith("G1") || name.equals("VM Thread")) {
          gc += seconds;
        }
      }
    } catch (IOException | RuntimeException e) {
      return new double[] {-1, -1};
    }
    return new double[] {jit, gc};
  }

  /** The 1-minute load average, or -1 where there is no /proc/loadavg. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
