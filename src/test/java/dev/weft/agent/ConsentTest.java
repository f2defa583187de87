package dev.weft.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConsentTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      approve | Please approve it.                         | true
      approve | approve the expense for run 42             | true
      approve | What is waiting for me?                    | false
      approve | Don't approve it yet                       | false
      approve | do not approve that                        | false
      approve | reject it                                  | false
      approve | approve one and reject the other           | false
      reject  | Reject it, the amount is wrong             | true
      reject  | please decline                             | true
      reject  | approve it                                 | false
      other   | approve it                                 | false
      """)
  void anApprovalNeedsAnExplicitRequestForThatDecision(String decision, String message, boolean allowed) {
    assertThat(Consent.asksFor(decision, message)).isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      yes, save it                 | true
      Looks good, go ahead         | true
      ok                           | true
      no                           | false
      not yet, change the title    | false
      don't save it                | false
      what does the second node do | false
      """)
  void savingNeedsAConfirmation(String message, boolean confirms) {
    assertThat(Consent.confirmsSave(message)).isEqualTo(confirms);
  }
}
