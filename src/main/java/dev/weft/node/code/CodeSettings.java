package dev.weft.node.code;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits and pools of the {@code code} node, under {@code weft.code.*}. Scripts run in separate runner
 * processes (one language each), at most {@code javascriptRunners} / {@code pythonRunners} at a time per
 * worker, each with its own heap.
 *
 * @param statementLimit guest statements one script may run (an endless loop fails fast, before its timeout)
 * @param maxInputBytes the JSON of what a script sees ({@code input}, {@code nodes}, {@code run})
 * @param maxOutputChars the JSON of what a script returns
 * @param maxLogLines lines of {@code console.log} / {@code print} kept per execution
 * @param maxLogLineChars characters kept per line
 * @param pythonContextReuse scripts one Python context serves (each in a fresh namespace) before it is replaced
 * @param prewarm languages whose first runner starts with the worker, so the first script does not wait for it
 * @param jvmOptions extra options of the runner processes' JVMs
 */
@ConfigurationProperties(prefix = "weft.code")
public record CodeSettings(
    @DefaultValue("2") int javascriptRunners,
    @DefaultValue("1") int pythonRunners,
    @DefaultValue("256MB") DataSize javascriptHeap,
    @DefaultValue("768MB") DataSize pythonHeap,
    @DefaultValue("50000000") long statementLimit,
    @DefaultValue("10485760") int maxInputBytes,
    @DefaultValue("10485760") int maxOutputChars,
    @DefaultValue("100") int maxLogLines,
    @DefaultValue("2000") int maxLogLineChars,
    @DefaultValue("100") int pythonContextReuse,
    @DefaultValue("javascript") List<String> prewarm,
    @DefaultValue({}) List<String> jvmOptions) {

  public static final CodeSettings DEFAULTS = new CodeSettings(2, 1, DataSize.ofMegabytes(256), DataSize.ofMegabytes(768),
      50_000_000L, 10 * 1024 * 1024, 10 * 1024 * 1024, 100, 2000, 100, List.of(), List.of());

  public CodeSettings {
    prewarm = prewarm == null ? List.of() : List.copyOf(prewarm);
    jvmOptions = jvmOptions == null ? List.of() : List.copyOf(jvmOptions);
  }

  int runners(CodeLanguage language) {
    return Math.max(1, language == CodeLanguage.PYTHON ? pythonRunners : javascriptRunners);
  }

  DataSize heap(CodeLanguage language) {
    return language == CodeLanguage.PYTHON ? pythonHeap : javascriptHeap;
  }
}
