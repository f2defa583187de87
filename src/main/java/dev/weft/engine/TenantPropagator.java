package dev.weft.engine;

import dev.weft.domain.Tenants;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.context.ContextPropagator;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;

/**
 * Carries the tenant of a run in Temporal headers: from the API thread that starts it (or the schedule
 * that was created by one) to the workflow, and from the workflow to each of its activities, local
 * activities, child runs and the next Temporal run after continue-as-new — so the engine's reads and writes
 * land in the run's tenant without any activity's input naming it. Header values are in history, so a
 * replay sees the tenant the run had; a history with no header (a run started before tenants) is the
 * default tenant's, which is where such runs live.
 */
public final class TenantPropagator implements ContextPropagator {
  public static final TenantPropagator INSTANCE = new TenantPropagator();
  static final String HEADER = "weft-tenant";

  private TenantPropagator() {}

  @Override
  public String getName() {
    return HEADER;
  }

  @Override
  public Map<String, Payload> serializeContext(Object context) {
    String tenant = (String) context;
    if (tenant == null || Tenants.DEFAULT.equals(tenant)) return Map.of();
    return DefaultDataConverter.STANDARD_INSTANCE.toPayload(tenant).map(p -> Map.of(HEADER, p)).orElse(Map.of());
  }

  @Override
  public Object deserializeContext(Map<String, Payload> header) {
    Payload p = header.get(HEADER);
    return p == null ? Tenants.DEFAULT : DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, String.class, String.class);
  }

  @Override
  public Object getCurrentContext() {
    return Tenants.current();
  }

  @Override
  public void setCurrentContext(Object context) {
    Tenants.set((String) context);
  }
}
