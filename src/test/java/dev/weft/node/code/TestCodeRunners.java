package dev.weft.node.code;

/** One pool of real code runner processes for every test in the JVM: runners boot once. */
public final class TestCodeRunners {
  private static CodeRunners shared;

  private TestCodeRunners() {}

  public static synchronized CodeRunners shared() {
    if (shared == null) {
      shared = new CodeRunners(CodeSettings.DEFAULTS);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }
}
