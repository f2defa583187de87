package dev.weft.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How runs of a workflow start: {@code manual} (REST), {@code webhook} (with {@code path} and an
 * optional synchronous {@code wait}), {@code schedule} ({@code cron} or {@code every}) or {@code chat}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerDef(
    String type, String path, @JsonProperty("wait") String responseWait, String cron, String every, String timezone) {
  public static final TriggerDef MANUAL = new TriggerDef("manual", null, null, null, null, null);
}
