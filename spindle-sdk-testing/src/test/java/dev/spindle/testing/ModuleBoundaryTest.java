package dev.spindle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.Tracer;
import dev.spindle.protocol.SpanStatus;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SDK's module boundaries, as a user's module sees them: a consumer module compiled by
 * {@code javac} against the built SDK modules on the module path (not this test's classpath) can
 * use the API, the testing kit and {@code SpanStatus}, runs in a module layer of its own, and
 * cannot import an internal package.
 */
class ModuleBoundaryTest {
  @TempDir Path dir;

  @Test
  void aConsumerOfThePublicApiCompilesAndRunsOnTheModulePath() throws Exception {
    Path out = compile("requires dev.spindle.testing;", """
        package consumer;

        import dev.spindle.Scope;
        import dev.spindle.Span;
        import dev.spindle.SpindleOptions;
        import dev.spindle.Tracer;
        import dev.spindle.Transaction;
        import dev.spindle.propagation.Propagation;
        import dev.spindle.protocol.SpanStatus;
        import dev.spindle.testing.InMemoryTransport;
        import java.util.HashMap;
        import java.util.Map;

        public final class Main {
          public static String run() {
            InMemoryTransport sent = new InMemoryTransport();
            try (Tracer tracer = Tracer.create(new SpindleOptions().setTracesSampleRate(1.0).setTransport(sent))) {
              Transaction tx = tracer.startTransaction("GET /", "http.server");
              Map<String, String> headers = new HashMap<>();
              try (Scope s = tx.makeCurrent()) {
                Span call = tracer.currentSpan().startChild("http.client");
                tracer.inject(call, headers, Propagation.mapSetter());
                call.finish(SpanStatus.OK);
              }
              tx.finish();
              return sent.transaction("GET /").spans().size() + " " + headers.get("sentry-trace").endsWith("-1");
            }
          }
        }
        """);
    assertEquals("1 true", runInLayer(out));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "dev.spindle.internal.transport.HttpTransport",
      "dev.spindle.internal.propagation.Traceparent",
      "dev.spindle.protocol.internal.JsonWriter"})
  void importingAnInternalPackageDoesNotCompile(String internal) throws Exception {
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok = compile("requires dev.spindle;", """
        package consumer;

        import %s;

        public final class Main {}
        """.formatted(internal), diagnostics);
    assertFalse(ok, internal + " must not be visible to a consumer module");
    List<Diagnostic<? extends JavaFileObject>> errors = diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).collect(Collectors.toList());
    assertFalse(errors.isEmpty());
    assertTrue(errors.stream().allMatch(d -> d.getLineNumber() == 3), errors.toString()); // the import
  }

  /** Compiles {@code module consumer { <requires> exports consumer; }} and {@code consumer.Main}. */
  private Path compile(String requires, String main) throws IOException, URISyntaxException {
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    assertTrue(compile(requires, main, diagnostics), diagnostics.getDiagnostics().toString());
    return dir.resolve("out");
  }

  private boolean compile(String requires, String main, DiagnosticCollector<JavaFileObject> diagnostics)
      throws IOException, URISyntaxException {
    Path src = Files.createDirectories(dir.resolve("src/consumer"));
    Files.writeString(dir.resolve("src/module-info.java"), "module consumer { " + requires + " exports consumer; }");
    Files.writeString(src.resolve("Main.java"), main);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
      List<String> options = List.of("--release", "17", "-d", dir.resolve("out").toString(),
          "--module-path", modulePath().stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
      return javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(
          dir.resolve("src/module-info.java"), src.resolve("Main.java"))).call();
    }
  }

  /** Runs {@code consumer.Main.run()} in a module layer holding the consumer and Spindle's modules. */
  private static String runInLayer(Path consumer) throws Exception {
    List<Path> paths = new ArrayList<>(modulePath());
    paths.add(consumer);
    ModuleFinder finder = ModuleFinder.of(paths.toArray(new Path[0]));
    java.lang.module.Configuration cf = ModuleLayer.boot().configuration()
        .resolve(finder, ModuleFinder.of(), Set.of("consumer"));
    ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    Class<?> main = layer.findLoader("consumer").loadClass("consumer.Main");
    assertTrue(main.getModule().isNamed());
    return (String) main.getMethod("run").invoke(null);
  }

  /** Where the build put the protocol, SDK and testing-kit modules and JUnit's (jars or class folders). */
  private static List<Path> modulePath() throws URISyntaxException {
    List<Path> paths = new ArrayList<>();
    for (Class<?> c : new Class<?>[] {SpanStatus.class, Tracer.class, InMemoryTransport.class,
        Test.class, org.junit.platform.commons.annotation.Testable.class,
        org.opentest4j.AssertionFailedError.class, org.apiguardian.api.API.class}) {
      paths.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }
    return paths;
  }
}
