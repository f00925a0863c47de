/**
 * JMH benchmark of the per-request overhead of tracing a Spring MVC endpoint: the same Spring Boot
 * application without tracing, with the Spindle starter, and with Micrometer Tracing + the
 * OpenTelemetry bridge ({@link dev.spindle.springbench.SpringMvcOverheadBenchmark}).
 */
package dev.spindle.springbench;
