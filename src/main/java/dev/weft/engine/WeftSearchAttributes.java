package dev.weft.engine;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weft's custom search attributes with their types: the one list that the embedded server registers at
 * start-up and that {@code temporal/common.sh} (dev and PostgreSQL-backed servers) and
 * {@code docker-compose.yml} register on real clusters ({@code ComposeFileTest} keeps them equal).
 */
public final class WeftSearchAttributes {
  public static final SearchAttributeKey<String> WORKFLOW_ID = SearchAttributeKey.forKeyword(TemporalNames.SA_WORKFLOW_ID);
  public static final SearchAttributeKey<Long> WORKFLOW_VERSION = SearchAttributeKey.forLong(TemporalNames.SA_WORKFLOW_VERSION);
  public static final SearchAttributeKey<String> STATUS = SearchAttributeKey.forKeyword(TemporalNames.SA_STATUS);
  public static final SearchAttributeKey<List<String>> WAITING_NODES =
      SearchAttributeKey.forKeywordList(TemporalNames.SA_WAITING_NODES);
  public static final SearchAttributeKey<String> TENANT = SearchAttributeKey.forKeyword(TemporalNames.SA_TENANT);

  public static final List<SearchAttributeKey<?>> ALL = List.of(WORKFLOW_ID, WORKFLOW_VERSION, STATUS, WAITING_NODES, TENANT);

  private WeftSearchAttributes() {}

  /**
   * Name → type as the Temporal CLI and {@code temporal operator search-attribute create --type} spell it
   * ({@code Keyword}, {@code Int}, {@code KeywordList}), in declaration order.
   */
  public static Map<String, String> cliTypes() {
    Map<String, String> types = new LinkedHashMap<>();
    for (SearchAttributeKey<?> key : ALL) types.put(key.getName(), cliType(key.getValueType()));
    return types;
  }

  static String cliType(IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      default -> throw new IllegalArgumentException("no CLI name for " + type);
    };
  }
}
