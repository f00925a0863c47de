package dev.spindle.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.json.Json;
import io.javalin.http.Context;

/** The one way the server writes JSON answers: bodies, {@code {"data": [...]}} lists and errors. */
public final class Responses {
  private Responses() {}

  /** Answers {@code status} with {@code body} as JSON. */
  public static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(Json.bytes(body));
  }

  /** Answers 200 with {@code {"data": data}}. */
  public static void data(Context ctx, ArrayNode data) {
    ObjectNode res = Json.object();
    res.set("data", data);
    json(ctx, 200, res);
  }

  /** Answers {@code status} with {@code {"detail": message}}. */
  public static void error(Context ctx, int status, String message) {
    json(ctx, status, Json.object().put("detail", message));
  }

  /** A new JSON array to fill, for {@link #data}. */
  public static ArrayNode array() {
    return Json.MAPPER.createArrayNode();
  }
}
