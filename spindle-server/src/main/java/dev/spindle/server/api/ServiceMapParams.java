package dev.spindle.server.api;

import dev.spindle.server.http.ApiException;
import dev.spindle.storage.MetadataStore;
import dev.spindle.storage.ServiceMapQuery;
import io.javalin.http.Context;

/** The parameters of the service-map endpoints: the period and {@code project}, which must exist. */
final class ServiceMapParams {
  private ServiceMapParams() {}

  static ServiceMapQuery query(Context ctx, MetadataStore metadata) {
    long[] range = QueryParams.range(ctx);
    Long project = QueryParams.project(ctx);
    if (project != null && metadata.project(project).isEmpty()) {
      throw ApiException.notFound("project " + project + " not found");
    }
    return ServiceMapQuery.of(project, range[0], range[1]);
  }
}
