package dev.weft.node.code;

import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.node.ActivityNodeType;
import dev.weft.node.GraphContext;
import dev.weft.node.NodeContext;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a few lines of JavaScript or Python in a sandboxed runner process ({@link CodeRunners}). The
 * script sees {@code input} (the upstream output), {@code nodes} (read-only {@code {output, status}} of the
 * nodes its source names and of its incoming edges), {@code run} ({@code id}, {@code workflowId},
 * {@code version}, {@code startedAt}) and, inside a loop, {@code item} and {@code index}; what it returns
 * (JSON) is the output. Values cross as JSON text, never as host objects.
 */
@Component
public class CodeNode implements ActivityNodeType<CodeNodeConfig> {
  /** {@code nodes.fetch}, {@code nodes["fetch"]}, {@code nodes['fetch']}, {@code nodes.get("fetch")}. */
  private static final Pattern NODE_REF = Pattern.compile(
      "\\bnodes(?:\\.get\\(\\s*[\"']([^\"']+)[\"']|\\.([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*[\"']([^\"'\\]]+)[\"']\\s*])");
  private static final int CHECK_CACHE = 512;
  /** A sample run in a dry run is bounded by this, not by the node's timeout. */
  private static final Duration SAMPLE_TIMEOUT = Duration.ofSeconds(20);

  private final CodeRunners runners;
  private final Map<String, Optional<Violation>> checked = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Violation>> eldest) {
          return size() > CHECK_CACHE;
        }
      });

  public CodeNode(CodeRunners runners) {
    this.runners = runners;
  }

  /** A script: no I/O (the sandbox has none), CPU-bound and bounded by its timeout. */
  @Override
  public boolean localByDefault(JsonNode config) {
    return true;
  }

  @Override
  public String id() {
    return "code";
  }

  @Override
  public Class<CodeNodeConfig> configClass() {
    return CodeNodeConfig.class;
  }

  @Override
  public String description() {
    return "Runs a few lines of JavaScript or Python (sandboxed: no files, network, processes or host access); "
        + "the source is a function body that reads input, nodes.<id>.output and run and returns the output as JSON.";
  }

  @Override
  public Set<String> reads(JsonNode config) {
    String source = config == null ? "" : config.path("source").asString("");
    Set<String> ids = new LinkedHashSet<>();
    Matcher m = NODE_REF.matcher(source);
    while (m.find()) {
      for (int g = 1; g <= 3; g++) {
        if (m.group(g) != null) ids.add(m.group(g));
      }
    }
    return ids;
  }

  /** The source must parse: {@code code.syntax} at {@code /source} with the line and column. */
  @Override
  public List<Violation> validate(CodeNodeConfig config, GraphContext graph) {
    if (config.language() == null || config.source() == null || config.source().isBlank()) return List.of();
    String key = digest(config.language().wire() + "\u0000" + config.source());
    Optional<Violation> v = checked.get(key);
    if (v == null) {
      try {
        CodeRunners.Answer a = runners.check(config.language(), config.source());
        v = "syntax".equals(a.status())
            ? Optional.of(Violation.of("/source", "code.syntax", at(a) + a.message()))
            : Optional.empty();
        checked.put(key, v);
      } catch (NodeFailure e) {
        // No runner to ask: the script is parsed again when it runs, and fails there with code.syntax.
        return List.of();
      }
    }
    return v.map(List::of).orElse(List.of());
  }

  @Override
  public NodeResult execute(CodeNodeConfig config, NodeContext ctx) {
    return run(config, ctx, scriptTimeout(ctx.timeout()));
  }

  /**
   * The dry run executes the script for real on the sampled outputs upstream (a script has no side
   * effects); when it fails there, likely for the samples' shape, an empty object stands in.
   */
  @Override
  public NodeResult sample(CodeNodeConfig config, NodeContext ctx) {
    try {
      return run(config, ctx, SAMPLE_TIMEOUT);
    } catch (NodeFailure f) {
      if (f.code().equals("code.syntax")) throw f;
      return NodeResult.of(Json.object());
    }
  }

  private NodeResult run(CodeNodeConfig config, NodeContext ctx, Duration timeout) {
    String bindings = bindings(ctx);
    int max = runners.settings().maxInputBytes();
    if (bindings.getBytes(StandardCharsets.UTF_8).length > max) {
      throw new NodeFailure("code.input_too_large", "what the script sees (input, nodes, run) is "
          + bindings.length() + " characters of JSON, over the limit of " + max + " bytes", false);
    }
    CodeRunners.Answer a = runners.run(config.language(), config.source(), bindings, timeout);
    List<String> logs = a.logs();
    if ("ok".equals(a.status())) {
      JsonNode output;
      try {
        output = Json.MAPPER.readTree(a.json().path("output").asString("null"));
      } catch (JacksonException e) {
        throw new NodeFailure("code.output_invalid", "the script's result is not JSON: " + e.getOriginalMessage(), false);
      }
      return NodeResult.of(output).withLogs(logs);
    }
    ObjectNode details = Json.object();
    details.put("language", config.language().wire());
    if (a.line() != null) details.put("line", a.line());
    if (a.column() != null) details.put("column", a.column());
    if (!logs.isEmpty()) logs.forEach(details.putArray("logs")::add);
    String code = "syntax".equals(a.status()) ? "code.syntax" : a.code();
    throw new NodeFailure(code, at(a) + a.message(), false, details);
  }

  private static String bindings(NodeContext ctx) {
    ObjectNode b = Json.object();
    b.set("input", ctx.upstream());
    ObjectNode nodes = b.putObject("nodes");
    ctx.nodes().forEach(nodes::set);
    b.set("run", ctx.run());
    if (ctx.index() == null) {
      b.putNull("item");
      b.putNull("index");
    } else {
      b.set("item", ctx.item());
      b.put("index", ctx.index());
    }
    return Json.MAPPER.writeValueAsString(b);
  }

  /** The script's own deadline: a little under the node's, so the node fails with code.timeout, not Temporal. */
  static Duration scriptTimeout(Duration nodeTimeout) {
    Duration margin = nodeTimeout.dividedBy(10);
    if (margin.compareTo(Duration.ofSeconds(1)) > 0) margin = Duration.ofSeconds(1);
    Duration t = nodeTimeout.minus(margin).minus(CodeRunners.GRACE.dividedBy(2));
    return t.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : t;
  }

  private static String at(CodeRunners.Answer a) {
    if (a.line() == null) return "";
    return "line " + a.line() + (a.column() == null ? "" : ", column " + a.column()) + ": ";
  }

  private static String digest(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
