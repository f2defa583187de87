package dev.weft.security;

import dev.weft.store.ApiKeyRecord;
import dev.weft.store.ApiKeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Makes sure someone can administer Weft: at start, when no active admin key exists, stores the key of
 * {@code weft.security.admin-key} ({@code WEFT_ADMIN_KEY}) for principal {@code admin}, or else
 * generates one and shows it once, through {@code banner}. Only hashes are stored. Instances starting
 * together do this one at a time, so exactly one of them generates a key.
 */
public class AdminKeyBootstrap implements InitializingBean {
  private static final Logger log = LoggerFactory.getLogger(AdminKeyBootstrap.class);
  public static final String ADMIN = "admin";

  private final ApiKeyService keys;
  private final ApiKeyStore store;
  private final String configuredKey;
  private final Consumer<String> banner;
  private final Clock clock;

  /** What a start did. */
  public enum Outcome { ADMIN_PRESENT, CONFIGURED_KEY_PRESENT, CONFIGURED_KEY_STORED, KEY_GENERATED }

  public AdminKeyBootstrap(ApiKeyService keys, ApiKeyStore store, String configuredKey, Consumer<String> banner, Clock clock) {
    this.keys = keys;
    this.store = store;
    this.configuredKey = configuredKey == null || configuredKey.isBlank() ? null : configuredKey;
    this.banner = banner;
    this.clock = clock;
  }

  /** Logs the generated key in a banner: the one time it is ever shown. */
  public static Consumer<String> logBanner() {
    return key -> log.warn(dev.weft.logging.Redaction.UNREDACTED, """

        ======================================================================
         No admin API key existed, so one was generated:

           {}

         Store it now; it is not shown again. Send it as
         'Authorization: Bearer <key>'. To choose the key yourself, set
         WEFT_ADMIN_KEY before the first start.
        ======================================================================""", key);
  }

  /** Runs while the context starts: a failure stops the start, and no request is served before. */
  @Override
  public void afterPropertiesSet() {
    run();
  }

  public Outcome run() {
    Generated g = store.inAdminLock(this::ensureAdmin);
    // Shown only once the key is committed: a key that was never stored is never shown.
    if (g.key() != null) banner.accept(g.key());
    return g.outcome();
  }

  private record Generated(Outcome outcome, String key) {}

  private Generated ensureAdmin() {
    if (configuredKey != null) {
      Optional<ApiKeyRecord> stored = store.findByHash(ApiKeys.hash(configuredKey));
      if (stored.isPresent() && stored.get().active(clock.instant())) return new Generated(Outcome.CONFIGURED_KEY_PRESENT, null);
      if (stored.isPresent()) log.warn("WEFT_ADMIN_KEY (weft.security.admin-key) was revoked or has expired; it is not stored again");
    }
    if (store.activeAdmins(clock.instant()) > 0) {
      if (configuredKey != null) {
        log.info("WEFT_ADMIN_KEY (weft.security.admin-key) is not stored: an admin key exists already (POST /api/keys creates more)");
      }
      return new Generated(Outcome.ADMIN_PRESENT, null);
    }
    var admin = new ApiKeyService.NewKey(ADMIN, List.of(Role.ADMIN), List.of(), "the start-up admin key", null);
    if (configuredKey != null && store.findByHash(ApiKeys.hash(configuredKey)).isEmpty()) {
      ApiKeyRecord k = keys.issue(admin, configuredKey, WeftPrincipal.SYSTEM.id(), "WEFT_ADMIN_KEY").record();
      log.info("stored the admin key of WEFT_ADMIN_KEY (weft.security.admin-key) as API key {} ({}...)", k.id(), k.prefix());
      return new Generated(Outcome.CONFIGURED_KEY_STORED, null);
    }
    return new Generated(Outcome.KEY_GENERATED, keys.issue(admin, ApiKeys.generate(), WeftPrincipal.SYSTEM.id(), "generated").key());
  }
}
