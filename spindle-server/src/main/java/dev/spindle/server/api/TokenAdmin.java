package dev.spindle.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.spindle.server.auth.AuthCache;
import dev.spindle.server.auth.Tokens;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.server.json.Timestamps;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.MetadataStore;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * API tokens: {@code GET /api/v1/tokens} (never the secrets), {@code POST /api/v1/tokens
 * {"name"}} (the secret answered once) and {@code DELETE /api/v1/tokens/{id}}.
 */
final class TokenAdmin {
  private final MetadataStore metadata;
  private final AuthCache auth;

  TokenAdmin(MetadataStore metadata, AuthCache auth) {
    this.metadata = metadata;
    this.auth = auth;
  }

  void list(Context ctx) {
    ArrayNode data = Responses.array();
    for (ApiToken t : metadata.tokens()) {
      data.addObject().put("id", t.id()).put("name", t.name()).put("revoked", t.revoked())
          .put("created", Timestamps.seconds(t.createdUs()));
    }
    Responses.data(ctx, data);
  }

  void create(Context ctx) throws IOException {
    JsonNode name = JsonBodies.object(ctx).get("name");
    if (name != null && (!name.isTextual() || name.asText().isBlank() || name.asText().length() > 200)) {
      throw ApiException.badRequest("name: a non-empty string of at most 200 characters");
    }
    String token = Tokens.newApiToken();
    ApiToken t = metadata.createToken(name == null ? "api" : name.asText().trim(), Tokens.sha256(token));
    Responses.json(ctx, 201, Json.object().put("id", t.id()).put("name", t.name()).put("token", token));
  }

  void revoke(Context ctx) {
    long id = QueryParams.id(ctx.pathParam("id"), "token");
    if (!metadata.revokeToken(id)) throw ApiException.notFound("token " + id + " not found");
    auth.clear();
    ctx.status(204);
  }
}
