package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Rotating the master key on the packaged jar, across restarts on one database (docs/security.md, "Rotating
 * the master key"): credentials of two tenants sealed under K1 still work after a restart with K2 as the
 * primary and K1 as a previous key; {@code POST /api/credentials/rotate-master-key} re-wraps every data key
 * under K2 (checked in PostgreSQL); after that K2 alone decrypts them, K1 alone no longer does, and K1
 * with K2 as a previous key does again.
 */
class MasterKeyRotationE2E extends E2ESupport {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String k1 = newMasterKey();
  private final String k2 = newMasterKey();
  private final String tenant = uniqueId("rot");
  private final String defaultToken = "tok-default-" + uniqueId("s");
  private final String tenantToken = "tok-tenant-" + uniqueId("s");

  @Override
  protected Map<String, String> weftEnv() {
    return Map.of("WEFT_MASTER_KEY", k1);
  }

  @Test
  void aNewMasterKeyRewrapsEveryTenantsDataKeysAndTheOldKeyIsThenNoLongerNeeded() throws Exception {
    // 1. Under K1: a tenant, and in it and in the default tenant a bearer credential "crm" and a workflow using it.
    JsonNode created = rest.post("/api/tenants", "{\"id\": \"" + tenant + "\"}").expect(201).json();
    String tenantKey = created.at("/adminKey/key").stringValue();
    assertThat(tenantKey).as(created.toString()).isNotBlank();
    Rest tenantRest = new Rest(weft::baseUrl, tenantKey);

    rest.post("/api/credentials", credential(defaultToken)).expect(201);
    tenantRest.post("/api/credentials", credential(tenantToken)).expect(201);
    String defaultPath = "/crm/default";
    String tenantPath = "/crm/" + tenant;
    Side inDefault = new Side(rest, rest.post("/api/workflows", workflow(defaultPath)).expect(201).json().get("id").stringValue(),
        defaultPath, defaultToken);
    Side inTenant = new Side(tenantRest,
        tenantRest.post("/api/workflows", workflow(tenantPath)).expect(201).json().get("id").stringValue(), tenantPath, tenantToken);
    assertThat(kekKeyIds()).as("every data key is wrapped by K1").containsOnly(keyId(k1)).hasSize(2);

    runAndExpectTokens(1, inDefault, inTenant);

    // 2. K2 the primary, K1 a previous key: old data keys still unwrap; the rotation re-wraps them all under K2.
    restart(Map.of("WEFT_MASTER_KEY", k2, "WEFT_CREDENTIALS_PREVIOUS_MASTER_KEYS", k1));
    runAndExpectTokens(2, inDefault, inTenant);
    assertThat(kekKeyIds()).as("nothing re-wrapped before the call").containsOnly(keyId(k1));

    tenantRest.post("/api/credentials/rotate-master-key", null).expect(404);
    assertThat(kekKeyIds()).as("a tenant's admin rotates nothing").containsOnly(keyId(k1));

    JsonNode rotation = rest.post("/api/credentials/rotate-master-key", null).expect(200).json();
    assertThat(rotation.get("kekKeyId").asLong()).as(rotation.toString()).isEqualTo(keyId(k2));
    assertThat(rotation.get("rewrapped").asInt()).as(rotation.toString()).isGreaterThanOrEqualTo(2);
    assertThat(rotation.get("failed").isArray()).as(rotation.toString()).isTrue();
    assertThat(rotation.get("failed").size()).as(rotation.toString()).isZero();
    assertThat(kekKeyIds()).as("every row of every tenant wrapped by K2").containsOnly(keyId(k2)).hasSize(2);
    assertThat(rest.get("/api/audit?action=credential.rotate_master_key").expect(200).json().get("entries").size()).isEqualTo(1);
    // A second call has nothing left to do.
    JsonNode again = rest.post("/api/credentials/rotate-master-key", null).expect(200).json();
    assertThat(again.get("rewrapped").asInt()).as(again.toString()).isZero();

    // 3. K2 alone: the old key dropped from the configuration, both tenants' runs still send their own tokens.
    restart(Map.of("WEFT_MASTER_KEY", k2));
    runAndExpectTokens(3, inDefault, inTenant);

    // 4. Negative control, K1 alone: the re-wrapped data keys no longer unwrap, so step 3 did not pass by accident.
    restart(Map.of("WEFT_MASTER_KEY", k1));
    expectUndecryptable(inDefault);
    expectUndecryptable(inTenant);
    assertThat(stub.calls(defaultPath)).as("no call without its credential").isEqualTo(3);
    assertThat(stub.calls(tenantPath)).isEqualTo(3);
    // A rotation that cannot unwrap names what it could not re-wrap (another tenant's as <tenant>/<name>) and changes nothing.
    JsonNode stuck = rest.post("/api/credentials/rotate-master-key", null).expect(200).json();
    assertThat(stuck.get("rewrapped").asInt()).as(stuck.toString()).isZero();
    assertThat(stuck.get("failed").valueStream().map(JsonNode::stringValue).toList()).as(stuck.toString())
        .containsExactlyInAnyOrder("crm", tenant + "/crm");
    assertThat(kekKeyIds()).containsOnly(keyId(k2)).hasSize(2);

    // 5. The new key as an unwrap-only previous key (K1 still the primary) already reads K2's data keys: the first
    //    step of a rotation across several instances, so that none of them meets a data key it cannot unwrap.
    restart(Map.of("WEFT_MASTER_KEY", k1, "WEFT_CREDENTIALS_PREVIOUS_MASTER_KEYS", k2));
    runAndExpectTokens(4, inDefault, inTenant);

    String logs = weft.logs();
    assertThat(logs).doesNotContain(defaultToken).doesNotContain(tenantToken).doesNotContain(k1).doesNotContain(k2);
  }

  /** Stops Weft and starts it again on the same database and Temporal with these credential settings. */
  private void restart(Map<String, String> keys) {
    weft.stop();
    weft.env("WEFT_MASTER_KEY", null);
    weft.env("WEFT_CREDENTIALS_PREVIOUS_MASTER_KEYS", null);
    keys.forEach(weft::env);
    weft.start(rest);
  }

  /** One tenant's side of the test: its API client, workflow, the stub path that workflow calls and its credential's token. */
  private record Side(Rest rest, String workflowId, String path, String token) {}

  /** A run in each tenant completes, and each of the {@code n} calls so far to its stub path carried its own token. */
  private void runAndExpectTokens(int n, Side... sides) {
    for (Side side : sides) {
      JsonNode state = side.rest().post("/api/workflows/" + side.workflowId() + "/runs?wait=PT60S", "{\"input\": {}}")
          .expect(200).json();
      assertThat(state.get("status").stringValue()).as(state.toString()).isEqualTo("COMPLETED");
      List<String> seen = stub.headers(side.path(), "Authorization");
      assertThat(seen).as("calls to " + side.path()).hasSize(n);
      assertThat(seen).as("each call to " + side.path() + " carried its tenant's token").containsOnly("Bearer " + side.token());
    }
  }

  private void expectUndecryptable(Side side) {
    Rest r = side.rest();
    JsonNode state = r.post("/api/workflows/" + side.workflowId() + "/runs?wait=PT60S", "{\"input\": {}}").expect(200).json();
    assertThat(state.get("status").stringValue()).as(state.toString()).isEqualTo("FAILED");
    assertThat(state.at("/nodes/call/status").stringValue()).as(state.toString()).isEqualTo("FAILED");
    assertThat(state.at("/nodes/call/error/code").stringValue()).as(state.toString()).isEqualTo("credential.undecryptable");
    String runId = state.get("runId").stringValue();
    String everything = r.get("/api/runs/" + runId).expect(200).text() + r.get("/api/runs/" + runId + "/events?limit=500")
        .expect(200).text();
    assertThat(everything).as(side.path()).contains("credential.undecryptable").doesNotContain(defaultToken).doesNotContain(tenantToken);
  }

  private static String credential(String token) {
    return "{\"name\": \"crm\", \"type\": \"bearer\", \"data\": {\"token\": \"" + token + "\"}}";
  }

  private String workflow(String path) {
    return """
        {"id": "%s", "name": "calls the CRM", "nodes": [
          {"id": "call", "type": "http", "config": {"url": "%s", "auth": {"credential": "crm"}}}]}"""
        .formatted(uniqueId("crm"), stub.url(path));
  }

  /** kek_key_id of every credential row, of every tenant, straight from PostgreSQL. */
  private List<Long> kekKeyIds() throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT kek_key_id FROM credentials")) {
      while (rs.next()) ids.add(rs.getLong(1));
    }
    return ids;
  }

  /** A master key as docs/security.md says to make one ({@code openssl rand -base64 32}). */
  private static String newMasterKey() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw);
  }

  /** The KEK key id Weft derives from a master key: the first four bytes of its SHA-256, unsigned. */
  private static long keyId(String masterKey) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(masterKey));
      return Integer.toUnsignedLong(ByteBuffer.wrap(h).getInt());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
