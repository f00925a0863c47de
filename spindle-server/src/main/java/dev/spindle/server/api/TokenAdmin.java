package dev.spindle.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.List;

/**
 * API tokens: {@code GET /api/v1/tokens} (never the secrets), {@code POST /api/v1/tokens
 * {"name", "scope", "projects"}} (the secret answered once), {@code DELETE /api/v1/tokens/{id}}
 * (its UI sessions end with it) and {@code GET /api/v1/whoami} (the caller's own token). A token
 * is rendered with its {@code scope} ({@code read} or {@code admin}, the default) and
 * {@code projects} (ids, or null for every project, the default).
 */
final class TokenAdmin {
  private final MetadataStore metadata;
  private final AuthCache auth;

  TokenAdmin(MetadataStore metadata, AuthCache auth) {
    this.metadata = metadata;
    this.auth = auth;
  }

  static ObjectNode render(ApiToken t) {
    ObjectNode o = Json.object().put("id", t.id()).put("name", t.name()).put("scope", t.scope().wireName());
    if (t.allProjects()) o.putNull("projects");
    else t.projects().forEach(o.putArray("projects")::add);
    return o.put("revoked", t.revoked()).put("created", Timestamps.seconds(t.createdUs()));
  }

  void list(Context ctx) {
    ArrayNode data = Responses.array();
    for (ApiToken t : metadata.tokens()) data.add(render(t));
    Responses.data(ctx, data);
  }

  void whoami(Context ctx) {
    Responses.json(ctx, 200, render(Access.token(ctx)));
  }

  void create(Context ctx) throws IOException {
    JsonNode body = JsonBodies.object(ctx);
    JsonNode name = body.get("name");
    if (name != null && (!name.isTextual() || name.asText().isBlank() || name.asText().length() > 200)) {
      throw ApiException.badRequest("name: a non-empty string of at most 200 characters");
    }
    JsonNode scopeNode = body.get("scope");
    ApiToken.Scope scope = ApiToken.Scope.ADMIN;
    if (scopeNode != null && !scopeNode.isNull()) {
      if (!scopeNode.isTextual()) throw ApiException.badRequest("scope: read or admin");
      try {
        scope = ApiToken.Scope.parse(scopeNode.asText());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
    }
    List<Long> projects = projects(body.get("projects"));
    String token = Tokens.newApiToken();
    ApiToken t = metadata.createToken(name == null ? "api" : name.asText().trim(), Tokens.sha256(token), scope, projects);
    Responses.json(ctx, 201, render(t).put("token", token));
  }

  /** {@code projects}: absent or null for every project, else a non-empty array of existing project ids. */
  private List<Long> projects(JsonNode node) {
    List<Long> out = new ArrayList<>();
    if (node == null || node.isNull()) return out;
    if (!node.isArray() || node.isEmpty() || node.size() > 1000) {
      throw ApiException.badRequest("projects: null (every project) or a non-empty array of project ids");
    }
    for (JsonNode p : node) {
      if (!p.canConvertToExactIntegral() || p.asLong() <= 0) {
        throw ApiException.badRequest("projects: '" + p + "' is not a project id (expected: a positive integer)");
      }
      if (metadata.project(p.asLong()).isEmpty()) throw ApiException.badRequest("projects: project " + p + " not found");
      out.add(p.asLong());
    }
    return out;
  }

  void revoke(Context ctx) {
    long id = QueryParams.id(ctx.pathParam("id"), "token");
    if (!metadata.revokeToken(id)) throw ApiException.notFound("token " + id + " not found");
    auth.clear();
    ctx.status(204);
  }
}
