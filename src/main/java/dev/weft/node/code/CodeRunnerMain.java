package dev.weft.node.code;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The code runner process: {@code java -Xmx… dev.weft.node.code.CodeRunnerMain <language> <statementLimit>
 * <maxOutputChars> <maxLogLines> <maxLogLineChars>}. It serves {@link RunnerProtocol} frames on stdin/stdout,
 * one at a time, until stdin closes (its worker is gone).
 *
 * <p>Every script runs in a fresh polyglot {@link Context} of one shared, warm {@link Engine}, with
 * nothing of the host: no host classes or objects, no file system, no sockets, no processes, no threads,
 * no environment variables, no native code, no other languages. Values cross as JSON text. A watchdog
 * cancels a context at its deadline; a statement limit bounds CPU work; this process's heap ({@code -Xmx})
 * bounds memory, and after a script exhausts it the process answers and exits so the pool starts a
 * clean one.
 */
public final class CodeRunnerMain {
  static final String SCRIPT_NAME_JS = "code.js";
  static final String SCRIPT_NAME_PY = "code.py";
  /** The JavaScript source is the body of this function; its first line shares the prefix. */
  static final String JS_PREFIX = "(function (input, nodes, run, item, index) {";

  private static final String JS_PRELUDE = """
      (function (fn, bindings, maxChars) {
        const b = JSON.parse(bindings);
        const freeze = (v) => {
          if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
            Object.freeze(v);
            for (const k of Object.keys(v)) freeze(v[k]);
          }
          return v;
        };
        freeze(b.nodes);
        freeze(b.run);
        const r = fn(b.input, b.nodes, b.run, b.item, b.index);
        if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
          throw new TypeError('the script returned a Promise: return a value (await is not available)');
        }
        const s = JSON.stringify(r === undefined ? null : r);
        if (s === undefined) return 'null';
        if (s.length > maxChars) return -s.length;
        return s;
      })
      """;

  private static final String PY_PRELUDE = """
      import ast as _ast, builtins as _builtins, json as _json, traceback as _tb
      # Bound now, so a script that replaces json.dumps or builtins.compile cannot reach the next script's plumbing.
      _parse, _dumps, _loads, _extract_tb = _ast.parse, _json.dumps, _json.loads, _tb.extract_tb
      _compile, _exec, _len, _type, _str = compile, exec, len, type, str
      _pristine = dict(_builtins.__dict__)

      def _restore_builtins():
          # Undoes what the previous script did to builtins (builtins.len = ...) before anything uses them.
          d = _builtins.__dict__
          for k in [k for k in d if k not in _pristine]:
              del d[k]
          d.update(_pristine)

      def _weft_check(src):
          _restore_builtins()
          try:
              _weft_compile(src)
              return None
          except SyntaxError as e:
              return [str(e.msg), e.lineno or 0, e.offset or 0]

      def _weft_compile(src):
          tree = _parse(src, "code.py")
          tpl = _parse("def __weft_main(input, nodes, run, item, index):\\n    pass\\n", "code.py")
          tpl.body[0].body = tree.body or [_ast.Pass()]
          return _compile(tpl, "code.py", "exec")

      def _weft_run(src, bindings, max_chars):
          _restore_builtins()
          try:
              code = _weft_compile(src)
          except SyntaxError as e:
              return ["syntax", str(e.msg), e.lineno or 0, e.offset or 0]
          b = _loads(bindings)
          ns = {"__name__": "__weft__", "__builtins__": _builtins}
          _exec(code, ns)
          try:
              r = ns["__weft_main"](b.get("input"), b.get("nodes"), b.get("run"), b.get("item"), b.get("index"))
          except Exception as e:
              line = 0
              for fr in _extract_tb(e.__traceback__):
                  if fr.filename == "code.py":
                      line = fr.lineno
              return ["error", _type(e).__name__, _str(e), line]
          try:
              s = _dumps(r, allow_nan=False)
          except (OverflowError, MemoryError):
              return ["large", 0]
          except (TypeError, ValueError) as e:
              return ["output", _str(e)]
          if _len(s) > max_chars:
              return ["large", _len(s)]
          return ["ok", s]

      [_weft_run, _weft_check]
      """;

  private final String language;
  private final Engine engine;
  private final ResourceLimits limits;
  private final AtomicBoolean limitHit = new AtomicBoolean();
  private final int maxOutputChars;
  private final BoundedLog log;
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "weft-code-watchdog");
    t.setDaemon(true);
    return t;
  });
  private final Source prelude;
  /** Set when the process must not serve another script (its heap ran out). */
  private boolean exitAfterAnswer;
  /**
   * Python only: a context boots in seconds, so one is kept for {@code reuse} scripts (each in a fresh
   * namespace, limits reset), and the next one is booted ahead while the process is idle.
   */
  private Context pythonContext;
  private Value pythonRun;
  private Value pythonCheck;
  private int pythonUses;
  private final int reuse;
  private java.util.concurrent.Future<Py> nextPython;

  /** A booted Python context and the prelude's functions in it. */
  private record Py(Context ctx, Value run, Value check) {}
  private final java.util.concurrent.ExecutorService booter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "weft-code-boot");
    t.setDaemon(true);
    return t;
  });

  CodeRunnerMain(String language, long statementLimit, int maxOutputChars, int maxLogLines, int maxLogLineChars,
      int reuse) {
    this.language = language;
    this.reuse = Math.max(1, reuse);
    this.engine = Engine.newBuilder(language)
        .option("engine.WarnInterpreterOnly", "false")
        .out(System.err)
        .err(System.err)
        .build();
    this.limits = ResourceLimits.newBuilder()
        .statementLimit(statementLimit, null)
        .onLimit(e -> limitHit.set(true))
        .build();
    this.maxOutputChars = maxOutputChars;
    this.log = new BoundedLog(maxLogLines, maxLogLineChars);
    this.prelude = Source.newBuilder(language, language.equals("js") ? JS_PRELUDE : PY_PRELUDE, "weft-prelude")
        .internal(true).buildLiteral();
    if (language.equals("python")) nextPython = booter.submit(this::bootPython);
  }

  private Py bootPython() {
    Context ctx = newContext();
    Value fns = ctx.eval(prelude);
    return new Py(ctx, fns.getArrayElement(0), fns.getArrayElement(1));
  }

  /** The Python context for the next script: the kept one, or the one booted ahead. */
  private Context python() {
    if (pythonContext != null && pythonUses < reuse) {
      pythonUses++;
      pythonContext.resetLimits();
      return pythonContext;
    }
    discardPython();
    Py py;
    try {
      py = nextPython.get();
    } catch (Exception e) {
      py = bootPython();
    }
    nextPython = booter.submit(this::bootPython);
    pythonContext = py.ctx();
    pythonRun = py.run();
    pythonCheck = py.check();
    pythonUses = 1;
    pythonContext.resetLimits();
    return pythonContext;
  }

  private void discardPython() {
    if (pythonContext != null) {
      try {
        pythonContext.close(true);
      } catch (RuntimeException ignored) {
        // Closed by the watchdog already.
      }
    }
    pythonContext = null;
  }

  public static void main(String[] args) throws IOException {
    // The protocol owns the real stdout; anything else printed goes to stderr.
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
    CodeRunnerMain runner = new CodeRunnerMain(args[0], Long.parseLong(args[1]), Integer.parseInt(args[2]),
        Integer.parseInt(args[3]), Integer.parseInt(args[4]), args.length > 5 ? Integer.parseInt(args[5]) : 100);
    runner.serve(in, out);
    System.exit(runner.exitAfterAnswer ? 3 : 0);
  }

  void serve(DataInputStream in, DataOutputStream out) throws IOException {
    JsonNode request;
    while ((request = RunnerProtocol.read(in)) != null) {
      ObjectNode answer;
      try {
        answer = handle(request);
      } catch (OutOfMemoryError e) {
        exitAfterAnswer = true;
        answer = failed("code.memory", "the script ran out of memory", null);
      }
      RunnerProtocol.write(out, answer);
      if (exitAfterAnswer) return;
    }
  }

  ObjectNode handle(JsonNode request) {
    String op = request.path("op").asString("");
    return switch (op) {
      case "ping" -> RunnerProtocol.JSON.createObjectNode().put("status", "ok");
      case "check" -> check(request.path("source").asString(""));
      case "run" -> run(request.path("source").asString(""), request.path("bindings").asString("null"),
          request.path("timeoutMs").asLong(60_000));
      default -> failed("code.protocol", "unknown op '" + op + "'", null);
    };
  }

  private Context newContext() {
    Context.Builder b = Context.newBuilder(language)
        .engine(engine)
        .sandbox(SandboxPolicy.TRUSTED)
        .allowHostAccess(HostAccess.NONE)
        .allowHostClassLookup(name -> false)
        .allowHostClassLoading(false)
        .allowIO(IOAccess.NONE)
        .allowCreateProcess(false)
        .allowCreateThread(false)
        .allowNativeAccess(false)
        .allowEnvironmentAccess(EnvironmentAccess.NONE)
        .allowPolyglotAccess(PolyglotAccess.NONE)
        .allowValueSharing(false)
        .allowInnerContextOptions(false)
        .allowExperimentalOptions(true)
        .resourceLimits(limits)
        .out(log)
        .err(log);
    if (language.equals("js")) {
      b.option("js.load", "false").option("js.graal-builtin", "false").option("js.java-package-globals", "false");
    } else {
      b.option("python.PosixModuleBackend", "java").option("python.DontWriteBytecodeFlag", "true")
          .option("python.WarnExperimentalFeatures", "false");
    }
    return b.build();
  }

  private ObjectNode check(String source) {
    log.reset();
    if (language.equals("python")) {
      try {
        python();
        Value problem = pythonCheck.execute(source);
        if (problem.isNull()) return ok(null);
        return syntax(problem.getArrayElement(0).asString(), problem.getArrayElement(1).asInt(),
            problem.getArrayElement(2).asInt());
      } catch (PolyglotException e) {
        discardPython();
        return failed("code.error", e.getMessage(), null);
      }
    }
    try (Context ctx = newContext()) {
      ctx.parse(jsSource(source));
      return ok(null);
    } catch (PolyglotException e) {
      if (e.isSyntaxError()) return jsSyntax(e, source);
      return failed("code.error", e.getMessage(), null);
    }
  }

  private ObjectNode run(String source, String bindings, long timeoutMs) {
    log.reset();
    limitHit.set(false);
    AtomicBoolean timedOut = new AtomicBoolean();
    boolean js = language.equals("js");
    Context ctx = js ? newContext() : python();
    ScheduledFuture<?> deadline = watchdog.schedule(() -> {
      timedOut.set(true);
      ctx.close(true);
    }, timeoutMs, TimeUnit.MILLISECONDS);
    try {
      return js ? runJs(ctx, source, bindings) : runPython(source, bindings);
    } catch (PolyglotException e) {
      if (!js) discardPython();
      return failure(e, timedOut.get(), timeoutMs, source);
    } catch (IllegalStateException e) {
      // The watchdog closed the context between two calls into it.
      if (timedOut.get()) return failed("code.timeout", "the script ran longer than its timeout of " + timeoutMs + " ms", null);
      throw e;
    } finally {
      deadline.cancel(false);
      if (js || timedOut.get()) {
        try {
          ctx.close(true);
        } catch (RuntimeException ignored) {
          // Already closed by the watchdog.
        }
        if (!js) pythonContext = null;
      }
    }
  }

  private ObjectNode runJs(Context ctx, String source, String bindings) {
    Value fn = ctx.eval(jsSource(source));
    Value r = ctx.eval(prelude).execute(fn, bindings, maxOutputChars);
    if (r.isNumber()) return tooLarge(-r.asLong());
    return ok(r.asString());
  }

  private ObjectNode runPython(String source, String bindings) {
    Value r = pythonRun.execute(source, bindings, maxOutputChars);
    String kind = r.getArrayElement(0).asString();
    return switch (kind) {
      case "ok" -> ok(r.getArrayElement(1).asString());
      case "large" -> tooLarge(r.getArrayElement(1).asLong());
      case "output" -> failed("code.output_invalid", "the script's result is not JSON: " + r.getArrayElement(1).asString(), null);
      case "syntax" -> syntax(r.getArrayElement(1).asString(), r.getArrayElement(2).asInt(), r.getArrayElement(3).asInt());
      default -> {
        String type = r.getArrayElement(1).asString();
        String message = type + ": " + r.getArrayElement(2).asString();
        int line = r.getArrayElement(3).asInt();
        yield failed(pythonCode(type, message), message, line > 0 ? line : null);
      }
    };
  }

  /** Python exceptions that mean the sandbox said no. */
  static String pythonCode(String type, String message) {
    if (type.equals("MemoryError")) return "code.memory";
    if (type.equals("PermissionError") || Forbidden.matches(message)) return "code.forbidden";
    if ((type.equals("ModuleNotFoundError") || type.equals("ImportError")) && Forbidden.isBlockedModule(message)) {
      return "code.forbidden";
    }
    return "code.error";
  }

  private ObjectNode failure(PolyglotException e, boolean timedOut, long timeoutMs, String source) {
    if (timedOut) return failed("code.timeout", "the script ran longer than its timeout of " + timeoutMs + " ms", null);
    if (limitHit.get()) {
      return failed("code.timeout", "the script ran more statements than its limit (an endless loop?)", null);
    }
    if (e.isResourceExhausted()) {
      exitAfterAnswer = true;
      return failed("code.memory", "the script ran out of memory (" + e.getMessage() + ")", null);
    }
    if (e.isCancelled()) return failed("code.timeout", "the script was cancelled", null);
    if (e.isSyntaxError()) return jsSyntax(e, source);
    if (e.isExit()) return failed("code.error", "the script tried to exit the process (" + e.getExitStatus() + ")", null);
    Integer line = null;
    for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
      if (f.isGuestFrame() && f.getSourceLocation() != null && isScript(f.getSourceLocation().getSource())) {
        line = f.getSourceLocation().getStartLine();
        break;
      }
    }
    if (line == null && e.getSourceLocation() != null && isScript(e.getSourceLocation().getSource())) {
      line = e.getSourceLocation().getStartLine();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e.isHostException() || Forbidden.matches(message) || Forbidden.isHostGlobal(message)) {
      return failed("code.forbidden", message, line);
    }
    return failed("code.error", message, line);
  }

  private static boolean isScript(Source s) {
    return s.getName().equals(SCRIPT_NAME_JS) || s.getName().equals(SCRIPT_NAME_PY);
  }

  private static Source jsSource(String body) {
    return Source.newBuilder("js", JS_PREFIX + body + "\n})", SCRIPT_NAME_JS).buildLiteral();
  }

  /** A JavaScript syntax error, at its place in the user's source (not in the wrapper around it). */
  private ObjectNode jsSyntax(PolyglotException e, String source) {
    int line = 0;
    int column = 0;
    if (e.getSourceLocation() != null) {
      line = e.getSourceLocation().getStartLine();
      column = e.getSourceLocation().getStartColumn();
      if (line == 1) column = Math.max(1, column - JS_PREFIX.length());
      int lines = (int) source.lines().count();
      if (line > Math.max(1, lines)) {
        // Past the end: an unclosed construct, reported where the source ends.
        line = Math.max(1, lines);
        column = lines == 0 ? 1 : source.lines().reduce((a, b) -> b).orElse("").length() + 1;
      }
    }
    String message = e.getMessage() == null ? "syntax error" : e.getMessage().lines().findFirst().orElse("syntax error");
    message = message.replaceFirst("^SyntaxError: code\\.js:\\d+:\\d+ ", "SyntaxError: ");
    return syntax(message, line, column);
  }

  private ObjectNode ok(String output) {
    ObjectNode o = RunnerProtocol.JSON.createObjectNode().put("status", "ok");
    if (output != null) o.put("output", output);
    withLogs(o);
    return o;
  }

  private ObjectNode tooLarge(long chars) {
    return failed("code.output_too_large", "the script's result is " + (chars > 0 ? chars + " characters of JSON" : "too large")
        + ", over the limit of " + maxOutputChars + " characters", null);
  }

  private ObjectNode syntax(String message, int line, int column) {
    ObjectNode o = RunnerProtocol.JSON.createObjectNode().put("status", "syntax").put("code", "code.syntax")
        .put("message", message);
    if (line > 0) o.put("line", line);
    if (column > 0) o.put("column", column);
    return o;
  }

  private ObjectNode failed(String code, String message, Integer line) {
    ObjectNode o = RunnerProtocol.JSON.createObjectNode().put("status", "failed").put("code", code)
        .put("message", message == null ? code : message);
    if (line != null) o.put("line", line);
    withLogs(o);
    return o;
  }

  private void withLogs(ObjectNode o) {
    var lines = log.lines();
    if (!lines.isEmpty()) lines.forEach(o.putArray("logs")::add);
    if (log.truncated()) o.put("logsTruncated", true);
  }
}
