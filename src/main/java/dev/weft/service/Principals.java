package dev.weft.service;

/** Who acts: until API keys exist (the security work) every caller is the anonymous principal. */
public final class Principals {
  public static final String ANONYMOUS = "anonymous";

  private Principals() {}
}
