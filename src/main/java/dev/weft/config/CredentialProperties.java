package dev.weft.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the credentials' key-encryption key (KEK) comes from, under {@code weft.credentials.*}: a master key
 * ({@code master-key}, base64 of 32 bytes; {@code WEFT_MASTER_KEY}) with any {@code previous-master-keys}
 * still needed to unwrap, or a Tink JSON keyset file ({@code keyset-file}). With neither, a keyset file is
 * generated under {@code weft.embedded.data-dir} on the first start (fit for development only).
 */
@ConfigurationProperties(prefix = CredentialProperties.PREFIX)
public record CredentialProperties(String masterKey, @DefaultValue List<String> previousMasterKeys, String keysetFile) {
  public static final String PREFIX = "weft.credentials";
  /** The generated keyset's file name under the embedded data directory. */
  public static final String GENERATED_KEYSET = "credentials-keyset.json";
}
