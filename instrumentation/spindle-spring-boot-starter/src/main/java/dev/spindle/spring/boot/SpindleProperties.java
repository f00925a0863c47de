package dev.spindle.spring.boot;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spindle.*} properties. Like every Spring property they may come from
 * {@code application.properties}/YAML, {@code --spindle.dsn=...} arguments or environment variables
 * ({@code SPINDLE_DSN}, {@code SPINDLE_TRACES_SAMPLE_RATE}, ...). What is not set here keeps the
 * value of the SDK's own {@code SPINDLE_*} variables, then the SDK's default.
 */
@ConfigurationProperties("spindle")
public class SpindleProperties {
  /** Whether Spindle traces this application; false leaves a tracer that records and sends nothing. */
  private boolean enabled = true;

  /** Where to send: http://public_key@host:port/project_id. Without one nothing is sent. */
  private String dsn;

  /** The share of new traces to record, from 0.0 to 1.0; traces continued from a caller follow its decision. */
  private Double tracesSampleRate;

  /** The environment of every transaction and error (the SDK's default is "production"). */
  private String environment;

  /** The release of every transaction and error, e.g. "my-app@1.4.2". */
  private String release;

  /** The service name on every transaction and error; defaults to spring.application.name. */
  private String serviceName;

  /**
   * Which outgoing requests get trace headers: an entry matches a URL that contains it or that it
   * matches as a regular expression. Unset: every request; an empty list: none.
   */
  private List<String> tracePropagationTargets;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getDsn() {
    return dsn;
  }

  public void setDsn(String dsn) {
    this.dsn = dsn;
  }

  public Double getTracesSampleRate() {
    return tracesSampleRate;
  }

  public void setTracesSampleRate(Double tracesSampleRate) {
    this.tracesSampleRate = tracesSampleRate;
  }

  public String getEnvironment() {
    return environment;
  }

  public void setEnvironment(String environment) {
    this.environment = environment;
  }

  public String getRelease() {
    return release;
  }

  public void setRelease(String release) {
    this.release = release;
  }

  public String getServiceName() {
    return serviceName;
  }

  public void setServiceName(String serviceName) {
    this.serviceName = serviceName;
  }

  public List<String> getTracePropagationTargets() {
    return tracePropagationTargets;
  }

  public void setTracePropagationTargets(List<String> tracePropagationTargets) {
    this.tracePropagationTargets = tracePropagationTargets;
  }
}
