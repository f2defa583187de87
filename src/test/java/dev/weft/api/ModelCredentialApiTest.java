package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.temporal.client.WorkflowClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * A model profile that names a credential ({@code weft.ai.models.keyed.credential=model-key}): an {@code llm.chat}
 * node sends the credential's key as {@code Authorization: Bearer}, each call is an audited use, and the key
 * appears in no answer, event, audit entry, history or log; without the credential the node fails with
 * {@code credential.unknown}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ModelCredentialApiTest extends AiServiceTestSupport {
  @Autowired WorkflowClient client;

  private String chatWorkflow(String marker) {
    String id = uniqueId("keyed");
    Response saved = post("/api/workflows", """
        {"id": "%s", "name": "keyed model", "nodes": [
          {"id": "ask", "type": "llm.chat", "config": {"model": "keyed", "prompt": "%s"}}]}""".formatted(id, marker));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    return id;
  }

  @Test
  void theProfileSendsTheCredentialsKeyAndTheKeyLeaksNowhere(CapturedOutput output) {
    String key = "model-KEY-" + uniqueId("k");
    delete("/api/credentials/model-key");
    Response created = post("/api/credentials", "{\"name\": \"model-key\", \"type\": \"bearer\", \"data\": {\"token\": \"" + key
        + "\"}}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String marker = "marker-" + uniqueId("m");
    LLM.openAiAnswer(marker, "Fine, thanks.");

    Response run = post("/api/workflows/" + chatWorkflow(marker) + "/runs?wait=PT30S", "{\"input\": {}}");
    String runId = run.json().get("runId").stringValue();
    JsonNode state = get("/api/runs/" + runId).json();
    assertThat(state.get("status").stringValue()).as(state.toString()).isEqualTo("COMPLETED");

    List<LoggedRequest> sent = LLM.requests(marker);
    assertThat(sent).hasSize(1);
    assertThat(sent.getFirst().getHeader("Authorization")).isEqualTo("Bearer " + key);

    String events = get("/api/runs/" + runId + "/events?limit=500").text();
    String audit = get("/api/audit?limit=500").text();
    String history = client.fetchHistory(runId).toJson(false);
    for (String text : List.of(run.text(), state.toString(), events, audit, history, output.getAll())) {
      assertThat(text).doesNotContain(key);
    }
    String b64 = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    assertThat(history).doesNotContain(b64.substring(4, b64.length() - 4));

    JsonNode uses = get("/api/audit?action=credential.use&runId=" + runId).json().get("entries");
    assertThat(uses.valueStream().map(e -> e.get("nodeId").stringValue())).containsExactly("ask");
    assertThat(uses.valueStream().map(e -> e.get("targetId").stringValue())).containsExactly("model-key");
  }

  @Test
  void withoutTheCredentialTheNodeFailsAsCredentialUnknown() {
    String marker = "marker-" + uniqueId("u");
    LLM.openAiAnswer(marker, "never");
    String workflow = chatWorkflow(marker);
    delete("/api/credentials/model-key");
    Response run = post("/api/workflows/" + workflow + "/runs?wait=PT30S", "{\"input\": {}}");
    JsonNode state = get("/api/runs/" + run.json().get("runId").stringValue()).json();
    assertThat(state.get("status").stringValue()).isEqualTo("FAILED");
    assertThat(state.toString()).contains("credential.unknown");
    assertThat(LLM.requests(marker)).isEmpty();
  }
}
