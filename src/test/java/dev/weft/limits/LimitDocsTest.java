package dev.weft.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tier table of docs/security.md and the commented block of application.yml say what the code does. */
class LimitDocsTest {
  private static final List<String> TIERS = List.of("free", "pro", "enterprise");

  private static String cell(RateLimit limit, Tier.Rate r) {
    if (limit == RateLimit.WEBHOOK) return String.valueOf(r.tenant());
    if (r.principal() == 0 && r.tenant() == 0) return "unlimited";
    return r.principal() + " / " + r.tenant();
  }

  @Test
  void theSecurityDocsTierTableHasTheBuiltInNumbers() throws IOException {
    String doc = Files.readString(Path.of("docs/security.md"));
    List<String> table = Arrays.stream(doc.substring(doc.indexOf("**Tiers.**")).split("\n"))
        .filter(l -> l.startsWith("| `")).toList();
    for (RateLimit limit : RateLimit.values()) {
      String row = table.stream().filter(l -> l.startsWith("| `" + limit.wire() + "`")).findFirst().orElseThrow();
      String[] cells = row.split("\\|");
      for (int i = 0; i < TIERS.size(); i++) {
        assertThat(cells[i + 2].strip()).as(limit.wire() + " " + TIERS.get(i))
            .isEqualTo(cell(limit, LimitSettings.BUILT_IN.get(TIERS.get(i)).rate(limit)));
      }
    }
    String streams = table.stream().filter(l -> l.startsWith("| `open-streams`")).findFirst().orElseThrow();
    String tokens = table.stream().filter(l -> l.startsWith("| `llm-tokens-per-day`")).findFirst().orElseThrow();
    for (int i = 0; i < TIERS.size(); i++) {
      Tier t = LimitSettings.BUILT_IN.get(TIERS.get(i));
      assertThat(streams.split("\\|")[i + 2].strip()).isEqualTo(String.valueOf(t.openStreams()));
      assertThat(tokens.split("\\|")[i + 2].strip()).isEqualTo(String.format("%,d", t.llmTokensPerDay()));
    }
  }

  @Test
  void theCommentedSettingsInApplicationYmlHaveTheBuiltInNumbers() throws IOException {
    String yml = Files.readString(Path.of("src/main/resources/application.yml"));
    for (int i = 0; i < TIERS.size(); i++) {
      String name = TIERS.get(i);
      int from = yml.indexOf("#     " + name + ":");
      assertThat(from).as(name).isPositive();
      int to = i + 1 < TIERS.size() ? yml.indexOf("#     " + TIERS.get(i + 1) + ":") : yml.length();
      String block = yml.substring(from, to).replaceAll("\\s*#\\s*", " ");
      Tier t = LimitSettings.BUILT_IN.get(name);
      for (RateLimit limit : RateLimit.values()) {
        Tier.Rate r = t.rate(limit);
        String expected = limit == RateLimit.WEBHOOK ? limit.wire() + ": {tenant: " + r.tenant() + "}"
            : limit.wire() + ": {principal: " + r.principal() + ", tenant: " + r.tenant() + "}";
        assertThat(block).as(name).contains(expected);
      }
      assertThat(block).as(name).contains("open-streams: " + t.openStreams(), "llm-tokens-per-day: " + t.llmTokensPerDay());
    }
  }
}
