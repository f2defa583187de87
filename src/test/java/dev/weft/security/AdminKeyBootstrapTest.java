package dev.weft.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.config.WeftProperties;
import dev.weft.store.ApiKeyRecord;
import dev.weft.store.ApiKeyStore;
import dev.weft.store.AuditLog;
import dev.weft.store.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The start-up admin key against a real PostgreSQL: generated and shown once, or taken from WEFT_ADMIN_KEY. */
class AdminKeyBootstrapTest {
  private static final String CONFIGURED = "a-configured-admin-key-of-32-chars";

  private final JdbcClient jdbc = TestDatabase.jdbc();
  private final ApiKeyStore store = new ApiKeyStore(jdbc, TestDatabase.tx());
  private final ApiKeyService keys = new ApiKeyService(store, new AuditLog(jdbc), Clock.systemUTC(), Duration.ofMinutes(1));
  private final List<String> shown = new ArrayList<>();

  @BeforeEach
  void noKeys() {
    jdbc.sql("DELETE FROM api_keys").update();
  }

  private AdminKeyBootstrap.Outcome start(String configured) {
    return new AdminKeyBootstrap(keys, store, configured, shown::add, Clock.systemUTC()).run();
  }

  private List<ApiKeyRecord> stored() {
    return store.list(true, 100, 0);
  }

  @Test
  void withoutAnAdminKeyOneIsGeneratedAndShownOnceThenNeverAgain() {
    assertThat(start(null)).isEqualTo(AdminKeyBootstrap.Outcome.KEY_GENERATED);
    assertThat(shown).hasSize(1);
    String key = shown.getFirst();
    assertThat(key).matches("weft_[A-Za-z0-9_-]{43}");
    assertThat(stored()).singleElement().satisfies(k -> {
      assertThat(k.principal()).isEqualTo("admin");
      assertThat(k.roles()).containsExactly("admin");
      assertThat(k.createdBy()).isEqualTo("system");
      assertThat(key).startsWith(k.prefix());
    });
    String row = jdbc.sql("SELECT row_to_json(k)::text FROM api_keys k").query(String.class).single();
    assertThat(row).doesNotContain(key).contains(ApiKeys.hash(key));
    assertThat(keys.authenticate(key)).get().extracting(a -> a.principal().id()).isEqualTo("admin");
    String audited = jdbc.sql("SELECT details::text FROM audit_log WHERE action = 'key.create' AND target_id = :id")
        .param("id", stored().getFirst().id()).query(String.class).single();
    assertThat(audited).contains("generated").doesNotContain(key).doesNotContain(ApiKeys.hash(key));

    // The next start finds the key: nothing is shown, nothing stored.
    assertThat(start(null)).isEqualTo(AdminKeyBootstrap.Outcome.ADMIN_PRESENT);
    assertThat(shown).hasSize(1);
    assertThat(stored()).hasSize(1);
  }

  @Test
  void aConfiguredKeyIsStoredOnceAndNeverShown() {
    assertThat(start(CONFIGURED)).isEqualTo(AdminKeyBootstrap.Outcome.CONFIGURED_KEY_STORED);
    assertThat(start(CONFIGURED)).isEqualTo(AdminKeyBootstrap.Outcome.CONFIGURED_KEY_PRESENT);
    assertThat(shown).isEmpty();
    assertThat(stored()).singleElement().satisfies(k -> assertThat(k.prefix()).isEqualTo(CONFIGURED.substring(0, 8)));
    assertThat(keys.authenticate(CONFIGURED)).get().extracting(a -> a.principal().roles()).isEqualTo(List.of("admin"));
    assertThat(start(null)).isEqualTo(AdminKeyBootstrap.Outcome.ADMIN_PRESENT);
    assertThat(shown).isEmpty();
  }

  @Test
  void aConfiguredKeyIsNotAddedWhenAnotherAdminKeyExists() {
    start(null);
    assertThat(start(CONFIGURED)).isEqualTo(AdminKeyBootstrap.Outcome.ADMIN_PRESENT);
    assertThat(keys.authenticate(CONFIGURED)).isEmpty();
    assertThat(shown).hasSize(1);
  }

  @Test
  void whenEveryAdminKeyHasExpiredOrBeenRevokedANewOneIsGenerated() {
    start(CONFIGURED);
    jdbc.sql("UPDATE api_keys SET revoked_at = now()").update();
    assertThat(start(CONFIGURED)).as("a revoked configured key is not brought back").isEqualTo(AdminKeyBootstrap.Outcome.KEY_GENERATED);
    assertThat(keys.authenticate(CONFIGURED)).isEmpty();
    jdbc.sql("UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE revoked_at IS NULL").update();
    assertThat(start(null)).isEqualTo(AdminKeyBootstrap.Outcome.KEY_GENERATED);
    assertThat(shown).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void aConfiguredKeyShorterThan24CharactersStopsTheStart() {
    String shortKey = "too-short-admin-key";
    assertThatThrownBy(() -> new WeftProperties.Security(shortKey, Duration.ofMinutes(1), false, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WEFT_ADMIN_KEY").hasMessageNotContaining(shortKey);
    new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class)
        .withPropertyValues("weft.security.admin-key=" + shortKey)
        .run(ctx -> {
          assertThat(ctx).hasFailed();
          assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("at least 24 characters").hasMessageNotContaining(shortKey);
        });
    new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class)
        .withPropertyValues("weft.security.admin-key=" + CONFIGURED)
        .run(ctx -> assertThat(ctx).hasNotFailed());
  }

  @EnableConfigurationProperties(WeftProperties.class)
  static class PropertiesOnly {}
}
