package dev.spindle.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * {@code -prof dev.spindle.benchmarks.CpuTimeProfiler}: the CPU time the benchmark's JVM used per
 * operation, {@code cpu.time.norm} in ns/op, over all its threads (the benchmark thread, GC, JIT
 * and an SDK's own workers, such as OpenTelemetry's BatchSpanProcessor). Unlike the wall time, it
 * does not grow while the benchmark thread waits for a core of a loaded machine, so it compares
 * SDKs and builds on a shared machine; cache and core sharing still inflate it somewhat.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long cpuAtStart;

  @Override
  public String getDescription() {
    return "CPU time of the whole JVM per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    cpuAtStart = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmark,
      IterationParams iteration, IterationResult result) {
    long cpu = os.getProcessCpuTime() - cpuAtStart;
    long ops = result.getMetadata().getMeasuredOps();
    if (ops <= 0 || cpu < 0) return List.of();
    return List.of(new ScalarResult("cpu.time.norm", (double) cpu / ops, "ns/op",
        AggregationPolicy.AVG));
  }
}
