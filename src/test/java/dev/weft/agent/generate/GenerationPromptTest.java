package dev.weft.agent.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TestRegistries;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationPromptTest {

  private static final java.math.BigDecimal ZERO = java.math.BigDecimal.ZERO;

  private static dev.weft.ai.ModelProfile profile(int contextTokens) {
    return new dev.weft.ai.ModelProfile(dev.weft.ai.ModelProfile.Provider.OPENAI, "http://127.0.0.1:9/v1", "small", null,
        null, null, ZERO, ZERO, null, null, null, contextTokens, null);
  }

  @Test
  void underALargeBudgetTheSystemPromptCataloguesEveryTypeWithItsSchemaAndPorts() {
    var registry = TestRegistries.registry();
    String system = new GenerationPrompt(registry).assemble("greet", "greet", null, 1_000_000).system();
    for (var d : registry.catalogue()) {
      assertThat(system).contains("### `" + d.type() + "`", d.configSchema().toString());
    }
    assertThat(system).contains("Ports: true, false", "Ports: approved, rejected", dev.weft.ai.PromptText.DATA_RULE);
  }

  @Test
  void aTwoThousandTokenProfileGetsAPromptUnderItsBudgetWithTheSchemaOfTheTypeTheRequestNeeds() {
    var registry = TestRegistries.registry();
    String request = "Every morning fetch today's weather from an HTTP API and keep only the temperature";
    String user = GenerationPrompt.create(request, null);
    int budget = dev.weft.ai.PromptBudget.forPrompt(profile(2048));

    GenerationPrompt.Assembled a = new GenerationPrompt(registry).assemble(request, user, null, budget);

    assertThat(budget).isLessThan(2048 - 600);
    assertThat(a.tokens()).isLessThanOrEqualTo(budget);
    assertThat(dev.weft.ai.PromptBudget.tokens(a.system()) + dev.weft.ai.PromptBudget.tokens(user)).isLessThanOrEqualTo(budget);
    assertThat(a.types()).contains("http");
    assertThat(a.system()).contains("### `http`", registry.get("http").schema().toString())
        .contains("Weft workflow definitions (format v1)", dev.weft.ai.PromptText.DATA_RULE);
    // Not the whole catalogue: it would not fit.
    assertThat(a.types()).hasSizeLessThan(registry.catalogue().size());
    assertThat(a.system()).doesNotContain("### `loop`");
  }

  @Test
  void theDefaultBudgetOffersMoreThanASmallOneAndStaysUnderItToo() {
    var registry = TestRegistries.registry();
    String request = "Classify each support ticket and ask a manager to approve refunds";
    String user = GenerationPrompt.create(request, null);
    GenerationPrompt prompt = new GenerationPrompt(registry);

    GenerationPrompt.Assembled small = prompt.assemble(request, user, null, dev.weft.ai.PromptBudget.forPrompt(profile(2048)));
    GenerationPrompt.Assembled large = prompt.assemble(request, user, null, dev.weft.ai.PromptBudget.forPrompt(profile(8192)));

    assertThat(prompt.needed(request, null)).startsWith("approval", "llm.classify");
    assertThat(small.types()).contains("approval");
    assertThat(small.tokens()).isLessThanOrEqualTo(small.budget());
    assertThat(large.types()).contains("llm.classify", "approval", "set", "if", "respond");
    assertThat(large.types().size()).isGreaterThan(small.types().size());
    assertThat(large.tokens()).isLessThanOrEqualTo(large.budget());
  }

  @Test
  void retrievalRanksTheTypesARequestNamesOrHintsAt() {
    GenerationPrompt prompt = new GenerationPrompt(TestRegistries.registry());

    assertThat(prompt.needed("Summarize the new articles", null)).first().isEqualTo("llm.summarize");
    assertThat(prompt.needed("Call the billing API for every page of invoices", null)).contains("http", "loop");
    assertThat(prompt.needed("Greet the person", null)).doesNotContain("http", "loop", "approval");
    // A modified definition's own types come first, whatever the request says.
    assertThat(prompt.needed("Make it shout", Json.parse("{\"nodes\": [{\"id\": \"w\", \"type\": \"delay\"}]}")))
        .first().isEqualTo("delay");
  }

  @Test
  void aRequestThatAloneExceedsTheBudgetIsRefusedWithACode() {
    GenerationPrompt prompt = new GenerationPrompt(TestRegistries.registry());
    String request = "word ".repeat(3000);

    assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(dev.weft.domain.DomainException.class,
        () -> prompt.assemble(request, GenerationPrompt.create(request, null), null,
            dev.weft.ai.PromptBudget.forPrompt(profile(2048)))).code()).isEqualTo("generate.context_exceeded");
  }

  @Test
  void theExamplesAreTheRepositorysAndValid() throws Exception {
    for (String name : GenerationPrompt.EXAMPLES) {
      for (String file : List.of(name + ".json", name + ".input.json")) {
        assertThat(Json.parse(GenerationPrompt.resource("ai/examples/" + file)))
            .as(file).isEqualTo(Json.parse(Files.readString(Path.of("examples", file))));
      }
      assertThat(TestRegistries.validator().validate(GenerationPrompt.resource("ai/examples/" + name + ".json")).errors()).isEmpty();
    }
  }

  @Test
  void theRepairMessageListsPathCodeAndMessage() {
    assertThat(GenerationPrompt.repair(List.of(Violation.of("/nodes/1", "dryrun.expr.eval", "boom"), Violation.of("", "generate.not_json", "no"))))
        .contains("- /nodes/1 dryrun.expr.eval boom\n", "- / generate.not_json no\n");
  }
}
