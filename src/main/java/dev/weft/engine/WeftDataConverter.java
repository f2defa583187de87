package dev.weft.engine;

import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.Jackson3JsonPayloadConverter;

/** Temporal's default converters with JSON on Jackson 3, so Weft's {@code JsonNode}s travel as they are. */
public final class WeftDataConverter {
  private WeftDataConverter() {}

  public static DataConverter create() {
    return DefaultDataConverter.newDefaultInstance().withPayloadConverterOverrides(new Jackson3JsonPayloadConverter());
  }
}
