package dev.spindle.springbench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * {@code -prof dev.spindle.springbench.ProcessCpuProfiler}: the CPU time of the whole benchmark
 * process (every thread: the client, Tomcat's worker, the tracer's sender or batch thread, GC and
 * the JIT) per operation, {@code cpu.process.us/op}. On a machine shared with other work the
 * wall time per request mostly measures how long the threads waited for a core; the CPU they
 * used does not include that wait.
 */
public final class ProcessCpuProfiler implements InternalProfiler {
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long start;

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    start = os.getProcessCpuTime();
  }

  @Override
  public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long cpu = os.getProcessCpuTime() - start;
    long ops = result.getMetadata().getAllOps();
    double perOp = ops == 0 ? Double.NaN : cpu / 1000.0 / ops;
    return List.of(new ScalarResult("cpu.process", perOp, "us/op", AggregationPolicy.AVG));
  }
}
