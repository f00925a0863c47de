package dev.spindle.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Bodies;
import dev.spindle.server.json.Json;
import io.javalin.http.Context;
import java.io.IOException;

/** Small JSON request bodies of the admin and session routes. */
final class JsonBodies {
  /** The largest admin or sign-in body. */
  static final int MAX_BYTES = 64 * 1024;

  private JsonBodies() {}

  /** The body as a JSON object; 400 when it is not one, 413 beyond {@link #MAX_BYTES}. */
  static JsonNode object(Context ctx) throws IOException {
    byte[] b = Bodies.read(ctx.req().getInputStream(), ctx.header("Content-Encoding"), MAX_BYTES);
    JsonNode n = Json.parse(b, 0, b.length, "request body");
    if (!n.isObject()) throw ApiException.badRequest("request body: expected a JSON object");
    return n;
  }
}
