package dev.spindle.server.ui;

import dev.spindle.server.http.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Serves the web UI from the jar: {@code /} is {@code ui/index.html} (its import map filled
 * with the versions of the WebJars on the classpath), {@code /ui/...} the UI's ES modules and
 * styles, {@code /webjars/...} the libraries (Preact, ECharts for the service map). No build
 * step: the browser loads the modules as they are. The UI talks only to the public {@code /api/v1} query API.
 */
public final class WebUi {
  private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Map<String, String> TYPES = Map.of(
      "js", "text/javascript; charset=utf-8",
      "mjs", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "html", "text/html; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "json", "application/json",
      "map", "application/json");

  private final byte[] index;
  private final String csp;

  public WebUi() {
    String preact = webjarVersion("preact");
    String html = new String(resource("ui/index.html"), StandardCharsets.UTF_8).replace("{{preact}}", preact)
        .replace("{{echarts}}", webjarVersion("echarts"));
    this.index = html.getBytes(StandardCharsets.UTF_8);
    // The only inline script is the import map; allow exactly it by its hash.
    int s = html.indexOf("<script type=\"importmap\">");
    int e = html.indexOf("</script>", s);
    String importMap = html.substring(s + "<script type=\"importmap\">".length(), e);
    this.csp = "default-src 'self'; script-src 'self' 'sha256-" + sha256Base64(importMap) + "'; "
        + "style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'; form-action 'self'";
  }

  /** Adds the UI routes ({@code /}, {@code /ui/*}, {@code /webjars/*}) to {@code app}. */
  public void register(Javalin app) {
    app.get("/", this::index);
    app.get("/ui/<path>", ctx -> file(ctx, "ui/", ctx.pathParam("path"), false));
    app.get("/webjars/<path>", ctx -> file(ctx, "META-INF/resources/webjars/", ctx.pathParam("path"), true));
  }

  private void index(Context ctx) {
    ctx.header("Content-Security-Policy", csp);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType("text/html; charset=utf-8").result(index);
  }

  private static void file(Context ctx, String root, String path, boolean immutable) {
    if (!SAFE_PATH.matcher(path).matches() || path.contains("..")) {
      throw ApiException.notFound("no such file: " + path);
    }
    int dot = path.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    InputStream in = WebUi.class.getClassLoader().getResourceAsStream(root + path);
    if (in == null || type == null) {
      if (in != null) close(in);
      throw ApiException.notFound("no such file: " + path);
    }
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    ctx.contentType(type).result(in);
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  static byte[] resource(String name) {
    try (InputStream in = WebUi.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name + " (a broken build?)");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String webjarVersion(String npmName) {
    Properties p = new Properties();
    try (InputStream in = WebUi.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/" + npmName + "/pom.properties")) {
      if (in == null) throw new IllegalStateException("the " + npmName + " WebJar is not on the classpath");
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static String sha256Base64(String s) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
