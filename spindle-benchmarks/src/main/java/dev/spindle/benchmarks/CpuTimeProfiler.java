package dev.spindle.benchmarks;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * {@code -prof dev.spindle.benchmarks.CpuTimeProfiler}: the CPU time of the benchmark threads
 * (JMH's workers) per operation, {@code cpu.time.norm} in ns/op. Unlike the wall time, it does
 * not grow while a worker waits for a core of a loaded machine, so it compares SDKs and builds on
 * a shared machine (cache and core sharing still inflate it somewhat). It leaves out other
 * threads: GC, JIT and an SDK's own workers, such as OpenTelemetry's BatchSpanProcessor.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
  /** Each worker's CPU time when the iteration started. */
  private final Map<Long, Long> atStart = new HashMap<>();

  @Override
  public String getDescription() {
    return "CPU time of the benchmark threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    atStart.clear();
    atStart.putAll(workerCpu());
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmark,
      IterationParams iteration, IterationResult result) {
    long cpu = 0;
    for (Map.Entry<Long, Long> e : workerCpu().entrySet()) {
      cpu += e.getValue() - atStart.getOrDefault(e.getKey(), 0L);
    }
    long ops = result.getMetadata().getMeasuredOps();
    if (ops <= 0 || cpu <= 0) return List.of();
    return List.of(new ScalarResult("cpu.time.norm", (double) cpu / ops, "ns/op",
        AggregationPolicy.AVG));
  }

  /** CPU nanoseconds of each live JMH worker thread, by thread id. */
  private Map<Long, Long> workerCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null || !info.getThreadName().contains("jmh-worker")) continue;
      long t = threads.getThreadCpuTime(info.getThreadId());
      if (t >= 0) cpu.put(info.getThreadId(), t);
    }
    return cpu;
  }
}
