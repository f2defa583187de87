package dev.weft.store;

/** Tenancy: every row carries a tenant; until the security work adds more there is one. */
public final class Tenants {
  public static final String DEFAULT = "default";

  private Tenants() {}
}
