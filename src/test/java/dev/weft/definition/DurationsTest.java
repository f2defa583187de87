package dev.weft.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and rendering of the duration forms users write: {@code 30s}, {@code 5m}, ..., ISO-8601. */
class DurationsTest {

  static Stream<Arguments> written() {
    return Stream.of(
        Arguments.of("500ms", Duration.ofMillis(500)),
        Arguments.of("30s", Duration.ofSeconds(30)),
        Arguments.of("5m", Duration.ofMinutes(5)),
        Arguments.of("72h", Duration.ofHours(72)),
        Arguments.of("2d", Duration.ofDays(2)),
        Arguments.of("0s", Duration.ZERO),
        Arguments.of("007s", Duration.ofSeconds(7)),
        Arguments.of("999999999d", Duration.ofDays(999_999_999)),
        Arguments.of("  90s\t", Duration.ofSeconds(90)),
        Arguments.of("PT30S", Duration.ofSeconds(30)),
        Arguments.of("pt30s", Duration.ofSeconds(30)),
        Arguments.of("PT1H30M", Duration.ofMinutes(90)),
        Arguments.of("P2D", Duration.ofDays(2)),
        Arguments.of("P1DT12H", Duration.ofHours(36)),
        Arguments.of("PT0.25S", Duration.ofMillis(250)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("written")
  void parsesShortFormsAndIso8601(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "30", "s", "30 s", "1.5h", "1y", "2w", "-5s", "+5s", "5sec", "5 minutes", "1h30m",
      "1234567890s", "P", "P1M", "P1Y", "PT", "PTS", "30s ago", "PT-5S", "P-1D", "-PT5S"})
  void rejectsAnythingElseWithAMessage(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
  }

  static Stream<Arguments> rendered() {
    return Stream.of(
        Arguments.of(Duration.ofDays(2), "2d"),
        Arguments.of(Duration.ofHours(72), "3d"),
        Arguments.of(Duration.ofHours(36), "36h"),
        Arguments.of(Duration.ofMinutes(90), "90m"),
        Arguments.of(Duration.ofSeconds(60), "1m"),
        Arguments.of(Duration.ofSeconds(61), "61s"),
        Arguments.of(Duration.ofMillis(1500), "1500ms"),
        Arguments.of(Duration.ofMillis(1), "1ms"),
        Arguments.of(Duration.ZERO, "0s"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("rendered")
  void rendersTheLargestWholeUnit(Duration d, String expected) {
    assertThat(Durations.format(d)).isEqualTo(expected);
  }

  @Test
  void rendersAsIso8601WhatNoShortFormCanHold() {
    assertThat(Durations.format(Duration.ofNanos(1_500_000))).isEqualTo("PT0.0015S");
    assertThat(Durations.format(Duration.ofNanos(1))).isEqualTo("PT0.000000001S");
    assertThat(Durations.format(Duration.ofSeconds(-60))).isEqualTo("PT-1M");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "1ms", "999ms", "59s", "61m", "23h", "25h", "7d", "366d", "PT0.0015S", "P400DT1S"})
  void formatThenParseGivesTheSameDuration(String text) {
    Duration d = Durations.parse(text);

    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }
}
