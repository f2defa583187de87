package dev.weft.node.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LlmChatNodeTest {
  private final LlmStub llm = new LlmStub();

  @AfterEach
  void tearDown() {
    llm.close();
  }

  @Test
  void sendsTheResolvedPromptsAndReturnsTextAndUsage() {
    llm.answers("Bonjour, Ada.");

    NodeResult r = llm.harness().input("{\"name\": \"Ada\"}").run("llm.chat", """
        {"system": "You translate to French.", "prompt": "Say hello to {{ input.name }}."}""");

    assertThat(r.ports()).containsExactly("main");
    assertThat(r.output().get("text").stringValue()).isEqualTo("Bonjour, Ada.");
    JsonNode usage = r.output().get("llm");
    assertThat(usage.get("profile").stringValue()).isEqualTo("default");
    assertThat(usage.get("model").stringValue()).isEqualTo("test-model");
    assertThat(usage.get("tokensIn").asLong()).isEqualTo(100);
    assertThat(usage.get("tokensOut").asLong()).isEqualTo(20);
    assertThat(usage.get("latencyMs").asLong()).isGreaterThanOrEqualTo(0);
    // 0.1 * 0.5 + 0.02 * 1.5
    assertThat(usage.get("cost").decimalValue()).isEqualByComparingTo("0.08");
    JsonNode sent = llm.requests().getFirst();
    assertThat(sent.get("model").stringValue()).isEqualTo("test-model");
    assertThat(sent.get("messages")).hasSize(2);
    assertThat(sent.at("/messages/0/role").stringValue()).isEqualTo("system");
    assertThat(sent.at("/messages/0/content").stringValue()).isEqualTo("You translate to French.");
    assertThat(sent.at("/messages/1/role").stringValue()).isEqualTo("user");
    assertThat(sent.at("/messages/1/content").stringValue()).isEqualTo("Say hello to Ada.");
  }

  @Test
  void withoutSystemPromptOnlyTheUserSpeaks() {
    llm.answers("4");

    llm.harness().run("llm.chat", "{\"model\": \"fast\", \"prompt\": \"2+2?\"}");

    JsonNode sent = llm.requests().getFirst();
    assertThat(sent.get("messages")).hasSize(1);
    assertThat(sent.at("/messages/0/role").stringValue()).isEqualTo("user");
  }

  @Test
  void anUnknownProfileFailsBeforeAnyCall() {
    NodeFailure f = llm.harness().failure("llm.chat", "{\"model\": \"nope\", \"prompt\": \"hi\"}");

    assertThat(f.code()).isEqualTo("llm.unknown_model");
    assertThat(f.retryable()).isFalse();
    assertThat(llm.requests()).isEmpty();
  }
}
