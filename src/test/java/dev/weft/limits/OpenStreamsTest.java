package dev.weft.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.store.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Open event streams per principal, counted in memory on this instance. */
class OpenStreamsTest {
  private static OpenStreams streams(boolean enabled, String tier) {
    return new OpenStreams(new RateLimiter(TestDatabase.dataSource(), LimitSettings.of(enabled, tier, Map.of(),
        Duration.ofMinutes(1)), t -> tier, false));
  }

  @Test
  void aPrincipalHoldsAtMostItsTiersNumberAndAClosedStreamFreesItsPlace() {
    OpenStreams open = streams(true, "free");
    int cap = LimitSettings.BUILT_IN.get("free").openStreams();
    java.util.List<OpenStreams.Slot> held = new java.util.ArrayList<>();
    for (int i = 0; i < cap; i++) held.add(open.tryOpen("acme", "alice"));
    assertThat(held).doesNotContainNull();

    assertThat(open.tryOpen("acme", "alice")).isNull();
    assertThat(open.tryOpen("acme", "bob")).isNotNull();
    assertThat(open.tryOpen("other", "alice")).isNotNull();

    held.getFirst().close();
    held.getFirst().close();
    assertThat(open.openBy("acme", "alice")).isEqualTo(cap - 1);
    assertThat(open.tryOpen("acme", "alice")).isNotNull();
    assertThat(open.tryOpen("acme", "alice")).isNull();
  }

  @Test
  void switchedOffThereIsNoCap() {
    OpenStreams open = streams(false, "free");
    for (int i = 0; i < 50; i++) assertThat(open.tryOpen("acme", "alice")).isNotNull();
  }
}
