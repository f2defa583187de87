package dev.weft.node.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.ai.LlmClient;
import dev.weft.ai.TestModels;
import dev.weft.knowledge.Knowledge;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeHarness;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeResult;
import dev.weft.node.NodeType;
import dev.weft.store.KnowledgeStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** llm.answer against a real knowledge base (embedded PostgreSQL, scripted embeddings) and a scripted chat model. */
class LlmAnswerNodeTest {
  private final LlmStub llm = new LlmStub();
  private final Knowledge knowledge = new Knowledge();
  private final KnowledgeStore.Base kb = knowledge.base("embed", 200, 20);

  @AfterEach
  void tearDown() {
    llm.close();
    knowledge.close();
  }

  private NodeHarness harness() {
    LlmClient client = TestModels.openAi(llm.baseUrl());
    List<NodeType<?>> types = new ArrayList<>(TestRegistries.builtins(client).stream()
        .filter(t -> !t.id().equals("llm.answer")).toList());
    types.add(new LlmAnswerNode(client, knowledge.retriever));
    return NodeHarness.harness(new NodeRegistry(types));
  }

  @Test
  void answersFromTheBestChunksWithCitationsOfTheSourcesItUsed() {
    knowledge.text(kb, "refunds.md", "A refund is paid within five days of the request.");
    knowledge.text(kb, "shipping.txt", "Shipping is free over 50 EUR; a refund of shipping costs is not possible.");
    knowledge.text(kb, "rockets.txt", "The rocket launches at dawn.");
    llm.answers("Refunds are paid within five days [1].");

    NodeResult r = harness().input("{\"q\": \"When is my refund paid?\"}").run("llm.answer", """
        {"question": "{{ input.q }}", "knowledgeBase": "%s", "k": 2}""".formatted(kb.name()));

    JsonNode out = r.output();
    assertThat(out.get("answer").stringValue()).isEqualTo("Refunds are paid within five days [1].");
    assertThat(out.get("known").booleanValue()).isTrue();
    assertThat(out.get("sources")).hasSize(2);
    assertThat(out.get("citations")).hasSize(1);
    JsonNode cited = out.get("citations").get(0);
    assertThat(cited.get("documentName").stringValue()).isEqualTo(out.at("/sources/0/documentName").stringValue());
    assertThat(cited.get("chunkId").stringValue()).startsWith(cited.get("documentId").stringValue() + ":");
    assertThat(out.get("llm").get("tokensIn").asLong()).isEqualTo(100);
    // The model got the question and the two chunks as delimited, numbered sources; not the rocket chunk.
    JsonNode sent = llm.requests().getFirst();
    assertThat(sent.at("/messages/0/content").stringValue()).contains(LlmAnswerNode.RULES).contains("<data> tags");
    String user = sent.at("/messages/1/content").stringValue();
    assertThat(user).contains("[1] ", "[2] ", "<data name=\"source-1\">", "Question: When is my refund paid?")
        .contains("five days").doesNotContain("rocket");
  }

  @Test
  void saysItDoesNotKnowWithoutCallingTheModelWhenNothingScoresTheThreshold() {
    knowledge.text(kb, "rockets.txt", "The rocket launches at dawn.");

    NodeResult r = harness().run("llm.answer", """
        {"question": "What is the salary policy?", "knowledgeBase": "%s", "minScore": 0.5}""".formatted(kb.id()));

    assertThat(r.output().get("answer").stringValue()).isEqualTo("I don't know.");
    assertThat(r.output().get("known").booleanValue()).isFalse();
    assertThat(r.output().get("citations")).isEmpty();
    assertThat(r.output().get("sources")).isEmpty();
    assertThat(r.output().at("/llm/tokensIn").asLong()).isZero();
    assertThat(llm.requests()).isEmpty();

    // The same knowledge base answers a question it covers at that threshold.
    llm.answers("At dawn [1].");
    NodeResult known = harness().run("llm.answer", """
        {"question": "When does the rocket launch?", "knowledgeBase": "%s", "minScore": 0.5}""".formatted(kb.id()));
    assertThat(known.output().get("known").booleanValue()).isTrue();
    assertThat(known.output().at("/citations/0/documentName").stringValue()).isEqualTo("rockets.txt");
    // The words of "I don't know" are the workflow's to choose.
    NodeResult german = harness().run("llm.answer", """
        {"question": "Gehalt?", "knowledgeBase": "%s", "minScore": 0.99, "unknownAnswer": "Keine Ahnung."}""".formatted(kb.id()));
    assertThat(german.output().get("answer").stringValue()).isEqualTo("Keine Ahnung.");
    assertThat(llm.requests()).hasSize(1);
  }

  @Test
  void anUnknownKnowledgeBaseFailsWithoutRetryOrModelCall() {
    NodeFailure f = harness().failure("llm.answer", "{\"question\": \"q\", \"knowledgeBase\": \"nope\"}");

    assertThat(f.code()).isEqualTo("knowledge_base.not_found");
    assertThat(f.retryable()).isFalse();
    assertThat(llm.requests()).isEmpty();
  }

  @Test
  void anEmbeddingOutageIsRetryable() {
    knowledge.text(kb, "rockets.txt", "The rocket launches at dawn.");
    knowledge.stub.failWith(503);

    NodeFailure f = harness().failure("llm.answer", "{\"question\": \"rocket?\", \"knowledgeBase\": \"%s\"}".formatted(kb.name()));

    assertThat(f.code()).isEqualTo("llm.unavailable");
    assertThat(f.retryable()).isTrue();
  }
}
