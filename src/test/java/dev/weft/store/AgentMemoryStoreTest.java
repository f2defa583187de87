package dev.weft.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.domain.Tenants;
import dev.weft.engine.AgentActivities.Message;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The agent memory in PostgreSQL: a window of the latest messages, appends that are not repeated, tenants apart. */
class AgentMemoryStoreTest {
  private final JdbcAgentMemoryStore memory = new JdbcAgentMemoryStore(TestDatabase.jdbc());

  private static List<Message> exchange(String question, String answer) {
    return List.of(Message.user(question), Message.assistant(answer, null));
  }

  private static List<String> texts(List<Message> messages) {
    return messages.stream().map(m -> m.role() + ": " + m.content()).toList();
  }

  @Test
  void theWindowHoldsTheLatestMessagesOldestFirst() {
    String wf = "wf-" + UUID.randomUUID().toString().substring(0, 8);
    memory.append(wf, "chat", "run-1", "ask", exchange("one", "1"));
    memory.append(wf, "chat", "run-2", "ask", exchange("two", "2"));
    memory.append(wf, "chat", "run-3", "ask", exchange("three", "3"));

    assertThat(texts(memory.recent(wf, "chat", 3))).containsExactly("assistant: 2", "user: three", "assistant: 3");
    assertThat(texts(memory.recent(wf, "chat", 100))).hasSize(6).startsWith("user: one");
    assertThat(memory.recent(wf, "other", 10)).isEmpty();
    assertThat(memory.recent("another-workflow", "chat", 10)).isEmpty();
  }

  @Test
  void aRepeatedAppendAddsNothing() {
    String wf = "wf-" + UUID.randomUUID().toString().substring(0, 8);
    memory.append(wf, "chat", "run-1", "ask", exchange("one", "1"));
    memory.append(wf, "chat", "run-1", "ask", exchange("one", "1"));

    assertThat(memory.recent(wf, "chat", 10)).hasSize(2);
  }

  @Test
  void eachTenantHasItsOwnMemory() {
    String wf = "wf-" + UUID.randomUUID().toString().substring(0, 8);
    Tenants.call("acme", () -> {
      memory.append(wf, "chat", "run-1", "ask", exchange("secret", "kept"));
      return null;
    });

    assertThat(memory.recent(wf, "chat", 10)).isEmpty();
    assertThat(Tenants.call("acme", () -> memory.recent(wf, "chat", 10))).hasSize(2);
  }
}
