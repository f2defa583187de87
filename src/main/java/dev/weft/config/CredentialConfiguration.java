package dev.weft.config;

import com.google.crypto.tink.KeysetHandle;
import dev.weft.security.CredentialCrypto;
import dev.weft.service.CredentialService;
import dev.weft.store.AuditLog;
import dev.weft.store.CredentialStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The credentials store: its key-encryption key, the store and the service that is also the nodes' resolver. */
@Configuration(proxyBeanMethods = false)
public class CredentialConfiguration {
  private static final Logger log = LoggerFactory.getLogger(CredentialConfiguration.class);

  @Bean
  CredentialCrypto credentialCrypto(CredentialProperties props, WeftProperties weft) {
    return new CredentialCrypto(kek(props, weft));
  }

  static KeysetHandle kek(CredentialProperties props, WeftProperties weft) {
    boolean hasMaster = props.masterKey() != null && !props.masterKey().isBlank();
    boolean hasFile = props.keysetFile() != null && !props.keysetFile().isBlank();
    if (hasMaster && hasFile) {
      throw new IllegalStateException("set either weft.credentials.master-key (WEFT_MASTER_KEY) or weft.credentials.keyset-file, not both");
    }
    if (hasMaster) {
      List<String> keys = new ArrayList<>();
      keys.add(props.masterKey());
      props.previousMasterKeys().stream().filter(k -> k != null && !k.isBlank()).forEach(keys::add);
      log.info("credentials: key-encryption key from the master key ({} previous key(s) for unwrapping)", keys.size() - 1);
      return CredentialCrypto.fromMasterKeys(keys);
    }
    if (hasFile) {
      log.info("credentials: key-encryption keyset from {}", props.keysetFile());
      return CredentialCrypto.fromKeysetFile(Path.of(props.keysetFile()));
    }
    Path file = Path.of(weft.embedded().dataDir()).toAbsolutePath().normalize().resolve(CredentialProperties.GENERATED_KEYSET);
    if (CredentialCrypto.createKeysetFile(file)) {
      log.warn("credentials: no WEFT_MASTER_KEY or weft.credentials.keyset-file; generated a key-encryption keyset at {}"
          + " (development only: back it up, or credentials cannot be decrypted)", file);
    } else {
      log.info("credentials: key-encryption keyset from {} (generated earlier; set WEFT_MASTER_KEY in production)", file);
    }
    return CredentialCrypto.fromKeysetFile(file);
  }

  @Bean
  CredentialStore credentialStore(JdbcClient jdbc) {
    return new CredentialStore(jdbc);
  }

  @Bean
  CredentialService credentialService(CredentialStore store, CredentialCrypto crypto, AuditLog audit) {
    return new CredentialService(store, crypto, audit, Clock.systemUTC());
  }
}
