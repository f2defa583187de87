package dev.weft.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {

  @Test
  void aShortTextIsOneChunk() {
    assertThat(Chunker.chunk("  Hello   world.\n\n\n\nBye. ", 100, 10)).containsExactly("Hello world.\n\nBye.");
  }

  @Test
  void chunksEndAtParagraphsOrSentencesAndOverlapByWholeWords() {
    String text = "First sentence here. Second sentence follows it. Third one ends this paragraph.\n\n"
        + "A new paragraph starts. It has two sentences.";
    List<String> chunks = Chunker.chunk(text, 60, 20);

    assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(60));
    assertThat(chunks.getFirst()).isEqualTo("First sentence here. Second sentence follows it.");
    // Every chunk starts at a word, and every word of the text is in some chunk.
    for (String c : chunks) assertThat(text).contains(c.substring(0, Math.min(c.length(), 8)));
    for (String w : text.split("\\s+")) assertThat(String.join(" ", chunks)).contains(w);
    // Consecutive chunks share text (the overlap).
    for (int i = 1; i < chunks.size(); i++) {
      String head = chunks.get(i).split(" ")[0];
      assertThat(chunks.get(i - 1)).contains(head);
    }
  }

  @Test
  void aTextWithoutBreaksIsCutAtTheSize() {
    List<String> chunks = Chunker.chunk("x".repeat(250), 100, 0);
    assertThat(chunks).extracting(String::length).containsExactly(100, 100, 50);
  }

  @Test
  void overlapMustBeSmallerThanTheSize() {
    assertThatThrownBy(() -> Chunker.chunk("a", 10, 10)).isInstanceOf(IllegalArgumentException.class);
  }
}
