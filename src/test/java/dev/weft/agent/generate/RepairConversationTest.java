package dev.weft.agent.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.ai.PromptBudget;
import dev.weft.definition.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * A repair stays under the first request's budget: the system prompt gives way to the latest answer and its
 * problems, and the answer is left out when it alone would not fit.
 */
class RepairConversationTest {
  private static final GenerationPrompt PROMPT = new GenerationPrompt(TestRegistries.registry());
  private static final String REQUEST = "Fetch the weather from an HTTP API";
  private static final String USER = GenerationPrompt.create(REQUEST, null);
  private static final List<Violation> PROBLEMS = List.of(Violation.of("/nodes/0/type", "node.type_unknown", "no such type"));

  private static int tokens(List<Message> messages) {
    return messages.stream().mapToInt(m -> PromptBudget.tokens(m.getText())).sum();
  }

  @Test
  void theLatestAnswerAndItsProblemsFitBesideASmallerSystemPrompt() {
    int budget = 3_000;
    String answer = "{\"definition\": {\"name\": \"w\", \"nodes\": [{\"id\": \"a\", \"type\": \"nope\"}]}, \"sampleInput\": {}}";
    String first = PROMPT.assemble(REQUEST, USER, null, budget).system();

    List<Message> m = WorkflowGenerator.repair(PROMPT, REQUEST, USER, null, budget, answer, PROBLEMS);

    assertThat(m).hasSize(4);
    assertThat(m.get(0)).isInstanceOf(SystemMessage.class);
    assertThat(m.get(0).getText().length()).isLessThan(first.length());
    assertThat(m.get(0).getText()).contains("### `http`");
    assertThat(m.get(1).getText()).isEqualTo(USER);
    assertThat(m.get(2)).isInstanceOf(AssistantMessage.class);
    assertThat(m.get(2).getText()).isEqualTo(answer);
    assertThat(m.get(3).getText()).contains("- /nodes/0/type node.type_unknown no such type");
    assertThat(tokens(m)).isLessThanOrEqualTo(budget);
  }

  @Test
  void anAnswerThatAloneWouldOverrunTheBudgetIsLeftOutButItsProblemsAreNot() {
    int budget = 1_216;
    String longAnswer = "{\"definition\": {\"name\": \"" + "x".repeat(8_000) + "\"}}";

    List<Message> m = WorkflowGenerator.repair(PROMPT, REQUEST, USER, null, budget, longAnswer, PROBLEMS);

    assertThat(m).hasSize(3);
    assertThat(m.get(2)).isInstanceOf(UserMessage.class);
    assertThat(m.get(2).getText()).contains("was rejected", "It had these problems", "/nodes/0/type node.type_unknown");
    assertThat(m).noneMatch(x -> x.getText().contains("xxxx"));
    assertThat(tokens(m)).isLessThanOrEqualTo(budget);
  }
}
