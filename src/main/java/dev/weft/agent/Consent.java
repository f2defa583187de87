package dev.weft.agent;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the user's own latest message must say before the agent may act on their behalf in ways that
 * matter. The model is told these rules too; this is the check that holds when a model ignores them.
 */
final class Consent {
  private static final Pattern APPROVE = Pattern.compile("\\b(approve|approved|approving|accept|sign off on)\\b");
  private static final Pattern REJECT = Pattern.compile("\\b(reject|rejected|rejecting|deny|decline|refuse)\\b");
  private static final Pattern NEGATED = Pattern.compile(
      "\\b(don'?t|do not|never|not|no need to|shouldn'?t|should not|won'?t|without)\\s+(\\w+\\s+)?(approve|accept|reject|deny|decline|save)");
  private static final Pattern CONFIRM = Pattern.compile(
      "\\b(yes|yep|yeah|save|confirm|confirmed|ok|okay|go ahead|do it|sure|looks good|ship it|lgtm)\\b");
  private static final Pattern REFUSE = Pattern.compile("^\\s*(no|nope|wait|stop|cancel)\\b|\\bnot yet\\b");

  private Consent() {}

  /** Whether {@code message} explicitly asks for {@code decision} ({@code approve} or {@code reject}). */
  static boolean asksFor(String decision, String message) {
    String m = normal(message);
    if (m.isEmpty() || NEGATED.matcher(m).find()) return false;
    boolean approve = APPROVE.matcher(m).find();
    boolean reject = REJECT.matcher(m).find();
    if (approve == reject) return false; // neither, or both: not an explicit request for one decision
    return "approve".equals(decision) ? approve : "reject".equals(decision) && reject;
  }

  /** Whether {@code message} confirms saving what the agent showed. */
  static boolean confirmsSave(String message) {
    String m = normal(message);
    return !m.isEmpty() && CONFIRM.matcher(m).find() && !REFUSE.matcher(m).find() && !NEGATED.matcher(m).find();
  }

  private static String normal(String message) {
    return message == null ? "" : message.toLowerCase(Locale.ROOT).replace('’', '\'');
  }
}
