package dev.spindle.server;

import dev.spindle.server.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Spindle server in a child JVM (so a test can kill it with SIGKILL), started with {@code serve}. */
record ChildServer(Process process, String url) {
  private static final Pattern LISTENING = Pattern.compile("Spindle listening on (http://\\S+)");

  /**
   * Starts {@code serve <args>} on this test's classpath and waits (60 s at most) for the line
   * saying where it listens; stderr goes to {@code stderrLog}. Fails the test when it does not start.
   */
  static ChildServer start(Path stderrLog, String... serveArgs) throws IOException {
    return start(stderrLog, List.of(), serveArgs);
  }

  /** {@link #start(Path, String...)} with the java command run by {@code launcher} (e.g. {@code unshare ...}). */
  static ChildServer start(Path stderrLog, List<String> launcher, String... serveArgs) throws IOException {
    List<String> cmd = new ArrayList<>(launcher);
    cmd.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
    cmd.addAll(List.of(serveArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectError(stderrLog.toFile());
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // keep the pipe from filling up
            }
          } catch (IOException ignored) {
            // the child died
          }
        });
        drain.setDaemon(true);
        drain.start();
        return new ChildServer(p, m.group(1));
      }
    }
    p.destroyForcibly();
    throw new AssertionError("the child server did not start; see " + stderrLog);
  }
}
