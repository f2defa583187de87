package dev.weft.expression;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import tools.jackson.databind.JsonNode;

/**
 * Weft's expression language: CEL, sandboxed (no I/O, no clock, no randomness: deterministic, so safe
 * inside workflow code) and bounded (expression length, comprehension iterations). Compiled programs
 * are cached by text; the cache holds pure values, so sharing it across workflow threads is safe.
 */
public final class ExpressionEngine {
  public static final String CODE_SYNTAX = "expr.syntax";
  public static final String CODE_UNKNOWN_VARIABLE = "expr.unknown_variable";
  public static final String CODE_TOO_LONG = "limit.expression";
  public static final String CODE_EVAL = "expr.eval";
  public static final String CODE_DYNAMIC_NODE = "expr.dynamic_node";

  private final ExpressionLimits limits;
  private final Cel base;
  private final Cel withItem;
  /** Inside a loop body: {@code item} and {@code index} of the iteration. */
  private final Cel inLoop;
  private final Cache<String, Compiled> cache = CacheBuilder.newBuilder().maximumSize(20_000).build();

  /** A checked expression: its program and the node ids it reads through {@code nodes}. */
  public record Compiled(String text, CelRuntime.Program program, Set<String> referencedNodes, boolean readsInput) {}

  /** A compile-time problem, with a stable code. */
  public record Issue(String code, String message) {}

  public ExpressionEngine() {
    this(ExpressionLimits.DEFAULTS);
  }

  public ExpressionEngine(ExpressionLimits limits) {
    this.limits = limits;
    CelOptions options = CelOptions.current()
        .maxExpressionCodePointSize(limits.maxExpressionLength())
        .comprehensionMaxIterations(limits.maxIterations())
        .enableHeterogeneousNumericComparisons(true)
        .enableTimestampEpoch(true)
        .build();
    this.base = CelFactory.standardCelBuilder()
        .setOptions(options)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addVar("input", SimpleType.DYN)
        .addVar("nodes", MapType.create(SimpleType.STRING, SimpleType.DYN))
        .addVar("run", SimpleType.DYN)
        .addFunctionDeclarations(MixedArithmetic.declarations())
        .addFunctionBindings(MixedArithmetic.bindings())
        .build();
    this.withItem = base.toCelBuilder().addVar("item", SimpleType.DYN).build();
    this.inLoop = withItem.toCelBuilder().addVar("index", SimpleType.DYN).build();
  }

  public ExpressionLimits limits() {
    return limits;
  }

  /** Compiles and checks an expression; the issues are empty when it is usable. */
  public List<Issue> check(String text, boolean perItem) {
    return check(text, perItem, false);
  }

  /** @param inLoop whether the expression stands in a loop body, where {@code item} and {@code index} are declared */
  public List<Issue> check(String text, boolean perItem, boolean inLoop) {
    try {
      compile(text, perItem, inLoop);
      return List.of();
    } catch (ExpressionException e) {
      return List.of(new Issue(e.code(), e.getMessage()));
    }
  }

  /**
   * Compiles and evaluates one expression of each kind once, so that CEL's classes are loaded and
   * warm before the first run: otherwise the first workflow threads to compile wait on each other in
   * the compile cache for over the Temporal SDK's 1 s deadlock detection on a cold JVM, and their
   * workflow tasks fail and are retried. Returns this engine.
   */
  public ExpressionEngine warmUp() {
    tools.jackson.databind.node.ObjectNode input = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    input.put("n", 2);
    Scope scope = new Scope(input, Map.of(), input);
    evaluate("input.n * 2 > 3 && size(run) >= 0 ? 'yes' : 'no'", "/warm-up", scope, false);
    evaluate("[1, 2].map(x, x + input.n).exists(x, x > 2)", "/warm-up", scope, false);
    return this;
  }

  /** @throws ExpressionException with a stable code when the expression does not compile */
  public Compiled compile(String text, boolean perItem) {
    return compile(text, perItem, false);
  }

  /**
   * @param inLoop whether the expression stands in a loop body ({@code item} and {@code index} declared;
   *     in a per-item field {@code item} is the field's item)
   * @throws ExpressionException with a stable code when the expression does not compile
   */
  public Compiled compile(String text, boolean perItem, boolean inLoop) {
    if (text.length() > limits.maxExpressionLength()) {
      throw new ExpressionException(CODE_TOO_LONG, abbreviate(text), null,
          "expression is " + text.length() + " characters; the limit is " + limits.maxExpressionLength());
    }
    String key = (inLoop ? "l:" : perItem ? "i:" : "b:") + text;
    try {
      return cache.get(key, () -> doCompile(text, inLoop ? this.inLoop : perItem ? withItem : base));
    } catch (ExecutionException | com.google.common.util.concurrent.UncheckedExecutionException e) {
      if (e.getCause() instanceof ExpressionException ee) throw ee;
      throw new ExpressionException(CODE_SYNTAX, text, null, String.valueOf(e.getCause()));
    }
  }

  private Compiled doCompile(String text, Cel cel) {
    CelValidationResult parsed = cel.parse(text);
    if (parsed.hasError()) {
      throw new ExpressionException(CODE_SYNTAX, text, null, firstIssue(parsed));
    }
    CelValidationResult checked;
    try {
      checked = cel.check(parsed.getAst());
    } catch (Exception e) {
      throw new ExpressionException(CODE_SYNTAX, text, null, String.valueOf(e.getMessage()));
    }
    if (checked.hasError()) {
      String msg = firstIssue(checked);
      String code = msg.contains("undeclared reference") ? CODE_UNKNOWN_VARIABLE : CODE_SYNTAX;
      throw new ExpressionException(code, text, null, msg);
    }
    if (readsNodesDynamically(checked)) {
      throw new ExpressionException(CODE_DYNAMIC_NODE, text, null,
          "nodes must be read by literal id (nodes.x or nodes[\"x\"]), so Weft knows what the expression depends on");
    }
    try {
      CelAbstractSyntaxTree ast = checked.getAst();
      return new Compiled(text, cel.createProgram(ast), referencedNodes(ast),
          CelNavigableAst.fromAst(ast).getRoot().allNodes().anyMatch(n -> n.expr().getKind() == CelExpr.ExprKind.Kind.IDENT
              && n.expr().ident().name().equals("input")));
    } catch (Exception e) {
      throw new ExpressionException(CODE_SYNTAX, text, null, String.valueOf(e.getMessage()));
    }
  }

  private static String firstIssue(CelValidationResult r) {
    return r.getErrors().stream().findFirst().map(CelIssue::getMessage).orElse("invalid expression");
  }

  /** {@code nodes.x} and {@code nodes["x"]}: the ids an expression reads. */
  private static Set<String> referencedNodes(CelAbstractSyntaxTree ast) {
    Set<String> ids = new LinkedHashSet<>();
    CelNavigableAst.fromAst(ast).getRoot().allNodes().forEach(nav -> {
      CelExpr e = nav.expr();
      if (e.getKind() == CelExpr.ExprKind.Kind.SELECT) {
        CelExpr operand = e.select().operand();
        if (isNodesIdent(operand)) ids.add(e.select().field());
      } else if (e.getKind() == CelExpr.ExprKind.Kind.CALL && e.call().function().equals("_[_]")
          && e.call().args().size() == 2 && isNodesIdent(e.call().args().get(0))) {
        CelExpr key = e.call().args().get(1);
        if (key.getKind() == CelExpr.ExprKind.Kind.CONSTANT
            && key.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
          ids.add(key.constant().stringValue());
        }
      }
    });
    return ids;
  }

  /** True when {@code nodes} is used other than as {@code nodes.x} or {@code nodes["x"]}. */
  private static boolean readsNodesDynamically(CelValidationResult checked) {
    try {
      return CelNavigableAst.fromAst(checked.getAst()).getRoot().allNodes()
          .filter(nav -> isNodesIdent(nav.expr()))
          .anyMatch(nav -> nav.parent().map(p -> {
            CelExpr pe = p.expr();
            if (pe.getKind() == CelExpr.ExprKind.Kind.SELECT) return false;
            if (pe.getKind() == CelExpr.ExprKind.Kind.CALL && pe.call().function().equals("_[_]")
                && pe.call().args().size() == 2 && pe.call().args().get(0).id() == nav.expr().id()) {
              CelExpr key = pe.call().args().get(1);
              return !(key.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                  && key.constant().getKind() == CelConstant.Kind.STRING_VALUE);
            }
            return true;
          }).orElse(true));
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean isNodesIdent(CelExpr e) {
    return e.getKind() == CelExpr.ExprKind.Kind.IDENT && e.ident().name().equals("nodes");
  }

  /**
   * Evaluates an expression to a JSON value.
   *
   * @param path where the expression stands (a JSON pointer), for the error message
   * @throws ExpressionException naming the expression and path when it does not compile or evaluate
   */
  public JsonNode evaluate(String text, String path, Scope scope, boolean perItem) {
    Compiled c;
    try {
      c = compile(text, perItem, scope.inLoop());
    } catch (ExpressionException e) {
      throw new ExpressionException(e.code(), text, path, e.getMessage());
    }
    try {
      return JsonValues.fromCel(c.program().eval(scope.vars()));
    } catch (CelEvaluationException e) {
      throw new ExpressionException(CODE_EVAL, text, path, e.getMessage());
    } catch (RuntimeException e) {
      throw new ExpressionException(CODE_EVAL, text, path, String.valueOf(e.getMessage()));
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
