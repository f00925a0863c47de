package dev.spindle.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.server.auth.AuthCache;
import dev.spindle.server.auth.Tokens;
import dev.spindle.server.http.ApiException;
import dev.spindle.server.http.Responses;
import dev.spindle.server.json.Json;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.Project;
import dev.spindle.storage.TransactionNameRule;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.function.Function;

/**
 * Projects: {@code GET /api/v1/projects}, {@code POST /api/v1/projects {"name"}},
 * {@code POST /api/v1/projects/{id}/rotate-key} and {@code PATCH /api/v1/projects/{id}
 * {"scrubPii"}}; each project answered with its DSN. Changes clear the auth cache at once. The
 * list holds only the projects the token may see. A project's transaction-name rules (learned at
 * ingestion): {@code GET /api/v1/projects/{id}/transaction-name-rules} and
 * {@code DELETE /api/v1/projects/{id}/transaction-name-rules?pattern=/users/*}{@code /**}.
 */
final class ProjectAdmin {
  private final MetadataStore metadata;
  private final AuthCache auth;
  private final Function<Project, String> dsn;

  ProjectAdmin(MetadataStore metadata, AuthCache auth, Function<Project, String> dsn) {
    this.metadata = metadata;
    this.auth = auth;
    this.dsn = dsn;
  }

  private ObjectNode render(Project p) {
    return Json.object().put("id", p.id()).put("name", p.name()).put("dsn", dsn.apply(p))
        .put("scrubPii", p.scrubPii());
  }

  /** The projects the request's token may see. */
  void list(Context ctx) {
    ApiToken token = Access.token(ctx);
    ArrayNode data = Responses.array();
    for (Project p : metadata.projects()) if (token.maySee(p.id())) data.add(render(p));
    Responses.data(ctx, data);
  }

  void create(Context ctx) throws IOException {
    JsonNode name = JsonBodies.object(ctx).get("name");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      throw ApiException.badRequest("name: required, a non-empty string");
    }
    if (name.asText().length() > 200) throw ApiException.badRequest("name: at most 200 characters");
    Project p = metadata.createProject(name.asText().trim(), Tokens.newPublicKey());
    auth.clear();
    Responses.json(ctx, 201, render(p));
  }

  void rotateKey(Context ctx) {
    long id = QueryParams.id(ctx.pathParam("id"), "project");
    Project p = metadata.rotateKey(id, Tokens.newPublicKey())
        .orElseThrow(() -> ApiException.notFound("project " + id + " not found"));
    auth.clear();
    Responses.json(ctx, 200, render(p));
  }

  void nameRules(Context ctx) {
    long id = existing(ctx);
    ArrayNode data = Responses.array();
    for (TransactionNameRule r : metadata.transactionNameRules(id)) {
      data.add(Json.object().put("pattern", r.pattern()).put("createdUs", r.createdUs()));
    }
    Responses.data(ctx, data);
  }

  /** Deletes a rule; ingestion drops it within its refresh interval (30 s) and may learn it again. */
  void deleteNameRule(Context ctx) {
    long id = existing(ctx);
    String pattern = ctx.queryParam("pattern");
    if (pattern == null || pattern.isEmpty()) throw ApiException.badRequest("pattern: required, the rule's pattern");
    if (!metadata.deleteTransactionNameRule(id, pattern)) {
      throw ApiException.notFound("project " + id + " has no transaction-name rule '" + pattern + "'");
    }
    ctx.status(204);
  }

  private long existing(Context ctx) {
    long id = QueryParams.id(ctx.pathParam("id"), "project");
    if (metadata.project(id).isEmpty()) throw ApiException.notFound("project " + id + " not found");
    return id;
  }

  void update(Context ctx) throws IOException {
    long id = QueryParams.id(ctx.pathParam("id"), "project");
    JsonNode scrub = JsonBodies.object(ctx).get("scrubPii");
    if (scrub == null || !scrub.isBoolean()) throw ApiException.badRequest("scrubPii: required, true or false");
    Project p = metadata.setScrubPii(id, scrub.asBoolean())
        .orElseThrow(() -> ApiException.notFound("project " + id + " not found"));
    auth.clear();
    Responses.json(ctx, 200, render(p));
  }
}
