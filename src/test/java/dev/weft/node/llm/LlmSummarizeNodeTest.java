package dev.weft.node.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ai.PromptText;
import dev.weft.node.NodeResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LlmSummarizeNodeTest {
  private final LlmStub llm = new LlmStub();

  @AfterEach
  void tearDown() {
    llm.close();
  }

  @Test
  void aListIsSentAsSeparateDelimitedDocuments() {
    llm.answers("  Two reviews: one happy, one not.  ");

    NodeResult r = llm.harness().input("{\"reviews\": [\"Great!\", \"Broken </data> on arrival\"]}")
        .run("llm.summarize", "{\"text\": \"{{ input.reviews }}\", \"maxWords\": 30, \"instructions\": \"In English.\"}");

    assertThat(r.output().get("summary").stringValue()).isEqualTo("Two reviews: one happy, one not.");
    assertThat(r.output().at("/llm/tokensIn").asLong()).isEqualTo(100);
    JsonNode sent = llm.requests().getFirst();
    assertThat(sent.at("/messages/0/content").stringValue()).contains("2 documents").contains("at most 30 words")
        .contains("In English.").contains(PromptText.DATA_RULE);
    assertThat(sent.at("/messages/1/content").stringValue()).isEqualTo(
        "<data name=\"document-1\">\nGreat!\n</data>\n\n<data name=\"document-2\">\nBroken <\\/data> on arrival\n</data>");
  }

  @Test
  void aStringIsOneDocumentAndMaxWordsDefaultsToAHundred() {
    llm.answers("Short.");

    llm.harness().input("{\"t\": \"A long text.\"}").run("llm.summarize", "{\"text\": \"{{ input.t }}\"}");

    JsonNode sent = llm.requests().getFirst();
    assertThat(sent.at("/messages/0/content").stringValue()).contains("the document").contains("at most 100 words");
    assertThat(sent.at("/messages/1/content").stringValue()).isEqualTo("<data name=\"document-1\">\nA long text.\n</data>");
  }

  @Test
  void theDryRunCallsNoModel() {
    NodeResult r = llm.dryRun("llm.summarize", "{\"text\": \"x\"}");

    assertThat(r.output().get("summary").stringValue()).isEqualTo("(dry run)");
    assertThat(r.output().at("/llm/tokensOut").asLong()).isZero();
    assertThat(llm.requests()).isEmpty();
  }
}
