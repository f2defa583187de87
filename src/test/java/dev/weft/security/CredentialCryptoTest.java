package dev.weft.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialCryptoTest {
  private static final byte[] DATA = "{\"token\":\"s3cr3t-token\"}".getBytes(StandardCharsets.UTF_8);

  private static String randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  @Test
  void roundTripAndNoPlaintextInWhatIsStored() throws Exception {
    CredentialCrypto crypto = new CredentialCrypto(CredentialCrypto.fromMasterKeys(List.of(randomKey())));
    CredentialCrypto.Sealed s = crypto.seal("default", "id-1", DATA);
    assertThat(crypto.open("default", "id-1", s)).isEqualTo(DATA);
    assertThat(new String(s.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t");
    assertThat(new String(s.wrappedKey(), StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t");
    assertThat(s.kekKeyId()).isEqualTo(crypto.primaryKeyId());
    // Each credential its own data key: the same data seals differently.
    assertThat(crypto.seal("default", "id-1", DATA).wrappedKey()).isNotEqualTo(s.wrappedKey());
  }

  @Test
  void aRowMovedToAnotherIdOrTenantDoesNotDecrypt() {
    CredentialCrypto crypto = new CredentialCrypto(CredentialCrypto.fromMasterKeys(List.of(randomKey())));
    CredentialCrypto.Sealed s = crypto.seal("default", "id-1", DATA);
    assertThatThrownBy(() -> crypto.open("default", "id-2", s)).isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> crypto.open("other", "id-1", s)).isInstanceOf(GeneralSecurityException.class);
    // Nor does one row's ciphertext under another row's data key.
    CredentialCrypto.Sealed other = crypto.seal("default", "id-2", "{}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> crypto.open("default", "id-2", new CredentialCrypto.Sealed(other.kekKeyId(), other.wrappedKey(),
        s.ciphertext()))).isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void anotherMasterKeyCannotOpen() {
    CredentialCrypto.Sealed s = new CredentialCrypto(CredentialCrypto.fromMasterKeys(List.of(randomKey()))).seal("default", "a", DATA);
    CredentialCrypto other = new CredentialCrypto(CredentialCrypto.fromMasterKeys(List.of(randomKey())));
    assertThatThrownBy(() -> other.open("default", "a", s)).isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void masterKeyRotationWithAPreviousKey() throws Exception {
    String oldKey = randomKey();
    String newKey = randomKey();
    CredentialCrypto before = new CredentialCrypto(CredentialCrypto.fromMasterKeys(List.of(oldKey)));
    CredentialCrypto.Sealed s = before.seal("default", "a", DATA);
    CredentialCrypto after = new CredentialCrypto(CredentialCrypto.fromMasterKeys(List.of(newKey, oldKey)));
    assertThat(after.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
    assertThat(after.open("default", "a", s)).isEqualTo(DATA);
    CredentialCrypto.Sealed rewrapped = after.rewrap("default", "a", s);
    assertThat(rewrapped.kekKeyId()).isEqualTo(after.primaryKeyId());
    assertThat(rewrapped.ciphertext()).isEqualTo(s.ciphertext());
    // Once re-wrapped, the old key is no longer needed, and no longer enough.
    CredentialCrypto onlyNew = new CredentialCrypto(CredentialCrypto.fromMasterKeys(List.of(newKey)));
    assertThat(onlyNew.open("default", "a", rewrapped)).isEqualTo(DATA);
    assertThatThrownBy(() -> before.open("default", "a", rewrapped)).isInstanceOf(GeneralSecurityException.class);
    // Key ids are derived from the key: the same across restarts.
    assertThat(new CredentialCrypto(CredentialCrypto.fromMasterKeys(List.of(newKey))).primaryKeyId()).isEqualTo(after.primaryKeyId());
  }

  @Test
  void keysetFileRotation(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("kek.json");
    assertThat(CredentialCrypto.createKeysetFile(file)).isTrue();
    assertThat(CredentialCrypto.createKeysetFile(file)).as("an existing file is kept").isFalse();
    KeysetHandle kek = CredentialCrypto.fromKeysetFile(file);
    CredentialCrypto before = new CredentialCrypto(kek);
    CredentialCrypto.Sealed s = before.seal("default", "a", DATA);
    Files.writeString(file, TinkJsonProtoKeysetFormat.serializeKeyset(CredentialCrypto.withNewPrimary(kek), InsecureSecretKeyAccess.get()));
    CredentialCrypto after = new CredentialCrypto(CredentialCrypto.fromKeysetFile(file));
    assertThat(after.open("default", "a", s)).isEqualTo(DATA);
    CredentialCrypto.Sealed rewrapped = after.rewrap("default", "a", s);
    assertThat(rewrapped.kekKeyId()).isEqualTo(after.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
    assertThat(after.open("default", "a", rewrapped)).isEqualTo(DATA);
  }

  @Test
  void badMasterKeysAreRefused() {
    assertThatThrownBy(() -> CredentialCrypto.fromMasterKeys(List.of("not base64!"))).hasMessageContaining("base64");
    assertThatThrownBy(() -> CredentialCrypto.fromMasterKeys(List.of(Base64.getEncoder().encodeToString(new byte[16]))))
        .hasMessageContaining("16 bytes");
  }
}
