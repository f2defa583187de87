package dev.weft.api;

import dev.weft.config.WeftProperties;

/** Page sizes: a default, and an explicit maximum. */
public class Paging {
  private final int defaultSize;
  private final int maxSize;

  public Paging(WeftProperties.Api api) {
    this.defaultSize = api.defaultPageSize();
    this.maxSize = api.maxPageSize();
  }

  public int limit(Integer requested) {
    if (requested == null) return defaultSize;
    if (requested < 1 || requested > maxSize) {
      throw ApiProblem.badRequest("query.limit", "request.invalid_parameter", "limit must be between 1 and " + maxSize);
    }
    return requested;
  }
}
