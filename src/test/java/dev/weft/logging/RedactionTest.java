package dev.weft.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** Issue 14 part 8: secrets never reach a log line, through the real logback-spring.xml. */
class RedactionTest {
  @Test
  void masksEachKindOfSecret() {
    assertThat(Redaction.redact("Authorization: Bearer abc.DEF-123_x=")).isEqualTo("Authorization: Bearer [REDACTED]");
    assertThat(Redaction.redact("key weft_Zx81kq0AbCdEfGh_-9 revoked")).isEqualTo("key weft_[REDACTED] revoked");
    assertThat(Redaction.redact("api key sk-proj-abc123DEF456 refused")).isEqualTo("api key sk-[REDACTED] refused");
    assertThat(Redaction.redact("jdbc:postgresql://db/x?user=u&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/x?user=u&password=[REDACTED]&ssl=true");
    assertThat(Redaction.redact("{\"user\": \"u\", \"password\": \"hun ter2\", \"n\": 1}"))
        .isEqualTo("{\"user\": \"u\", \"password\": \"[REDACTED]\", \"n\": 1}");
    assertThat(Redaction.redact("body {\\\"dbPassword\\\": \\\"s3cr3t\\\"}")).doesNotContain("s3cr3t");
    assertThat(Redaction.redact("Settings[PASSWORD: s3cr3t, user=u]")).isEqualTo("Settings[PASSWORD: [REDACTED], user=u]");
    String plain = "run r-1 node fetch completed in 12 ms (task-queue weft)";
    assertThat(Redaction.redact(plain)).isSameAs(plain);
    assertThat(Redaction.redact("desk-top weft_ok")).isEqualTo("desk-top weft_ok");
  }

  @Test
  void theLogbackConfigurationMasksMessagesAndStackTraces() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      joran.doConfigure(getClass().getResource("/logback-spring.xml"));
      Logger log = context.getLogger("dev.weft.test");
      log.info("calling with Authorization: Bearer tok.en-123 and key {}", "weft_Zx81kq0AbCdEfGh");
      log.warn("model refused sk-live-0123456789abcdef; request {\"password\": \"hunter2\"} and password=hunter3");
      log.error("failed", new IllegalStateException("connect to jdbc:postgresql://db?password=hunter4 with sk-abcdef0123456",
          new RuntimeException("Bearer weft_CauseKey0123456789")));
      log.warn(Redaction.UNREDACTED, "banner {}", "weft_ShownOnce0123456789");
    } finally {
      System.out.flush();
      System.setOut(original);
      context.stop();
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    StringBuilder status = new StringBuilder();
    context.getStatusManager().getCopyOfStatusList().forEach(st -> status.append(st).append('\n'));
    assertThat(out).as("logback status:\n%s", status).isNotEmpty();
    assertThat(out).contains("Bearer [REDACTED]", "weft_[REDACTED]", "sk-[REDACTED]", "\"password\": \"[REDACTED]\"",
        "password=[REDACTED]", "IllegalStateException", "at dev.weft.logging.RedactionTest");
    assertThat(out).doesNotContain("tok.en-123", "Zx81kq0AbCdEfGh", "sk-live-0123456789abcdef", "hunter2", "hunter3", "hunter4",
        "sk-abcdef0123456", "CauseKey0123456789");
    assertThat(out).contains("banner weft_ShownOnce0123456789");
  }
}
