package dev.weft.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How runs of a workflow start: {@code manual} (REST), {@code webhook} (with {@code path}, an optional
 * synchronous {@code wait}, an optional request check {@code verify} and an optional {@code maxBodyBytes}),
 * {@code schedule} ({@code cron} or {@code every}) or {@code chat}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerDef(
    String type, String path, @JsonProperty("wait") String responseWait, String cron, String every, String timezone,
    WebhookVerify verify, Integer maxBodyBytes) {
  public static final TriggerDef MANUAL = new TriggerDef("manual", null, null, null, null, null);

  public TriggerDef(String type, String path, String responseWait, String cron, String every, String timezone) {
    this(type, path, responseWait, cron, every, timezone, null, null);
  }
}
