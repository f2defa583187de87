package dev.weft.domain;

import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Tenancy. Every row carries a tenant; every query names the tenant it reads. The tenant of the work at
 * hand is a thread-bound context, like Spring Security's: the API sets it from the caller's principal for
 * the span of each request ({@code TenantContextFilter}), the engine from the run's Temporal header on
 * each workflow and activity thread ({@code TenantPropagator}), and background jobs set it around each
 * tenant's share of their work ({@link #call}). Work that names no tenant belongs to {@link #DEFAULT},
 * the tenant every install has and every row written before tenants existed belongs to.
 */
public final class Tenants {
  public static final String DEFAULT = "default";
  /** Tenant ids: lower-case, short, no {@code ~} (which joins a tenant to Temporal ids, see {@link #temporalId}). */
  public static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,39}");
  /** Joins a tenant to the ids it owns in the Temporal namespace, which all tenants share. */
  public static final String SEPARATOR = "~";

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private Tenants() {}

  /** The tenant of the work on this thread; {@link #DEFAULT} when none was set. */
  public static String current() {
    String t = CURRENT.get();
    return t == null ? DEFAULT : t;
  }

  /** Makes {@code tenant} current until the returned scope closes; closing restores what was current. */
  public static Scope open(String tenant) {
    Objects.requireNonNull(tenant, "tenant");
    String previous = CURRENT.get();
    CURRENT.set(tenant);
    return () -> {
      if (previous == null) CURRENT.remove(); else CURRENT.set(previous);
    };
  }

  /** Makes {@code tenant} current on this thread with no scope: for Temporal's context propagation. */
  public static void set(String tenant) {
    if (tenant == null || DEFAULT.equals(tenant)) CURRENT.remove(); else CURRENT.set(tenant);
  }

  /** Runs {@code work} as {@code tenant}. */
  public static <T> T call(String tenant, Supplier<T> work) {
    try (Scope ignored = open(tenant)) {
      return work.get();
    }
  }

  /** {@code work} bound to the current tenant, for running on another thread. */
  public static Runnable bound(Runnable work) {
    String t = current();
    return () -> {
      try (Scope ignored = open(t)) {
        work.run();
      }
    };
  }

  /** {@code work} bound to the current tenant, for running on another thread. */
  public static <T> Supplier<T> bound(Supplier<T> work) {
    String t = current();
    return () -> call(t, work);
  }

  /**
   * An id in the Temporal namespace for something of the current tenant whose Weft id is {@code id}
   * (a run, a schedule): the id itself in the default tenant, {@code <tenant>~<id>} in any other, so
   * tenants that pick the same workflow ids never meet in Temporal.
   */
  public static String temporalId(String id) {
    String t = current();
    return DEFAULT.equals(t) ? id : t + SEPARATOR + id;
  }

  /**
   * Whether the Temporal id {@code temporalId} (made by {@link #temporalId}, or derived from one such as a
   * child run's {@code <parent>.<node>}) belongs to the current tenant: what lets the API refuse another
   * tenant's run before the index has its row.
   */
  public static boolean owns(String temporalId) {
    if (temporalId == null) return false;
    String t = current();
    int sep = temporalId.indexOf(SEPARATOR);
    return DEFAULT.equals(t) ? sep < 0 : sep > 0 && temporalId.substring(0, sep).equals(t);
  }

  /** The span of a tenant; closing it restores what was current before. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
