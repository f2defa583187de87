package dev.weft.security;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;

/**
 * Envelope encryption of credentials with Tink. Each credential gets its own data key (a fresh AES256-GCM
 * keyset) that encrypts its data; the data key is kept only wrapped (encrypted) by the key-encryption key
 * (KEK). Both ciphertexts are bound to the credential's tenant and id as associated data, so neither can be
 * moved to another row. The KEK is a Tink keyset that may hold several keys: the primary wraps, any of them
 * unwraps, which is how a master key is rotated ({@link #rewrap}).
 */
public final class CredentialCrypto {
  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink AEAD could not be registered", e);
    }
  }

  /** What is stored of one credential: the KEK key that wrapped its data key, the wrapped key, the data's ciphertext. */
  public record Sealed(long kekKeyId, byte[] wrappedKey, byte[] ciphertext) {}

  private final KeysetHandle kek;
  private final Aead kekAead;

  public CredentialCrypto(KeysetHandle kek) {
    try {
      this.kek = kek;
      this.kekAead = kek.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the credentials key-encryption keyset is not an AEAD keyset", e);
    }
  }

  /** The id of the KEK key that wraps new data keys. */
  public long primaryKeyId() {
    return Integer.toUnsignedLong(kek.getPrimary().getId());
  }

  public Sealed seal(String tenant, String id, byte[] plaintext) {
    try {
      KeysetHandle dek = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      byte[] ad = associatedData(tenant, id);
      byte[] ciphertext = dek.getPrimitive(RegistryConfiguration.get(), Aead.class).encrypt(plaintext, ad);
      return new Sealed(primaryKeyId(), TinkProtoKeysetFormat.serializeEncryptedKeyset(dek, kekAead, ad), ciphertext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encrypting a credential failed", e);
    }
  }

  /** The plaintext; fails when the row was tampered with, moved to another id, or wrapped by a KEK key no longer held. */
  public byte[] open(String tenant, String id, Sealed sealed) throws GeneralSecurityException {
    byte[] ad = associatedData(tenant, id);
    KeysetHandle dek = TinkProtoKeysetFormat.parseEncryptedKeyset(sealed.wrappedKey(), kekAead, ad);
    return dek.getPrimitive(RegistryConfiguration.get(), Aead.class).decrypt(sealed.ciphertext(), ad);
  }

  /** The same data key and ciphertext, the data key wrapped anew by the current primary KEK key. */
  public Sealed rewrap(String tenant, String id, Sealed sealed) throws GeneralSecurityException {
    byte[] ad = associatedData(tenant, id);
    KeysetHandle dek = TinkProtoKeysetFormat.parseEncryptedKeyset(sealed.wrappedKey(), kekAead, ad);
    return new Sealed(primaryKeyId(), TinkProtoKeysetFormat.serializeEncryptedKeyset(dek, kekAead, ad), sealed.ciphertext());
  }

  private static byte[] associatedData(String tenant, String id) {
    // Length-prefixed, so ("a/b", "c") and ("a", "b/c") differ.
    return ("weft-credential:" + tenant.length() + ":" + tenant + ":" + id).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A KEK from raw master keys, each base64 of 32 bytes: the first is the primary, the others (previous
   * master keys) only unwrap. A key's id is derived from its bytes, so it stays the same across restarts.
   */
  public static KeysetHandle fromMasterKeys(List<String> base64Keys) {
    if (base64Keys.isEmpty()) throw new IllegalArgumentException("no master key");
    try {
      AesGcmParameters params = AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12).setTagSizeBytes(16)
          .setVariant(AesGcmParameters.Variant.TINK).build();
      KeysetHandle.Builder b = KeysetHandle.newBuilder();
      java.util.Set<Integer> ids = new java.util.HashSet<>();
      for (int i = 0; i < base64Keys.size(); i++) {
        byte[] raw;
        try {
          raw = Base64.getDecoder().decode(base64Keys.get(i).trim());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("master key " + (i + 1) + " is not base64");
        }
        if (raw.length != 32) throw new IllegalArgumentException("master key " + (i + 1) + " is " + raw.length + " bytes, not 32");
        int keyId = keyId(raw);
        if (!ids.add(keyId)) continue;
        AesGcmKey key = AesGcmKey.builder().setParameters(params)
            .setKeyBytes(SecretBytes.copyFrom(raw, InsecureSecretKeyAccess.get())).setIdRequirement(keyId).build();
        KeysetHandle.Builder.Entry e = KeysetHandle.importKey(key).withFixedId(keyId);
        if (i == 0) e.makePrimary();
        b.addEntry(e);
      }
      return b.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("building the master keyset failed", e);
    }
  }

  /** A stable, non-secret key id: the first four bytes of SHA-256 over the key. */
  private static int keyId(byte[] raw) {
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(raw);
      return java.nio.ByteBuffer.wrap(h).getInt();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A cleartext Tink JSON keyset file (as written by Tinkey or {@link #createKeysetFile}). */
  public static KeysetHandle fromKeysetFile(Path file) {
    try {
      return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), InsecureSecretKeyAccess.get());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the credentials keyset " + file, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the credentials keyset " + file + " is not a Tink JSON keyset", e);
    }
  }

  /** A new AES256-GCM keyset, as Tink JSON. */
  public static String newKeysetJson() {
    try {
      return TinkJsonProtoKeysetFormat.serializeKeyset(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM),
          InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code keyset} with a fresh AES256-GCM key added as the new primary (the old keys stay, to unwrap). */
  public static KeysetHandle withNewPrimary(KeysetHandle keyset) {
    try {
      return KeysetHandle.newBuilder(keyset)
          .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates the keyset file (owner-only where the file system allows) unless it exists.
   *
   * @return true when this call created it
   */
  public static boolean createKeysetFile(Path file) {
    try {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".keyset-", ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // Not a POSIX file system.
        }
        Files.writeString(tmp, newKeysetJson(), StandardOpenOption.TRUNCATE_EXISTING);
        try {
          Files.createLink(file, tmp);
          return true;
        } catch (FileAlreadyExistsException e) {
          return false;
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the credentials keyset " + file, e);
    }
  }
}
