package dev.spindle.server.api;

import dev.spindle.server.http.ApiException;
import dev.spindle.storage.ApiToken;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.ServiceMapQuery;
import io.javalin.http.Context;
import java.util.Set;

/**
 * The parameters of the service-map endpoints: the period and {@code project}, which must exist;
 * a token limited to some projects sees the services of the others as "another project".
 */
final class ServiceMapParams {
  private ServiceMapParams() {}

  static ServiceMapQuery query(Context ctx, MetadataStore metadata) {
    long[] range = QueryParams.range(ctx);
    Long project = QueryParams.project(ctx);
    if (project != null && metadata.project(project).isEmpty()) {
      throw ApiException.notFound("project " + project + " not found");
    }
    ApiToken token = Access.token(ctx);
    return ServiceMapQuery.of(project, range[0], range[1])
        .visibleTo(token.allProjects() ? Set.of() : Set.copyOf(token.projects()));
  }
}
