package dev.weft.store;

import dev.weft.domain.DomainException;
import dev.weft.definition.Violation;
import java.util.List;
import java.util.Map;

/**
 * A write the store refused because it conflicts with what is there (or the row it needs is gone): a
 * stable code and a message. A code ending in {@code not_found} is a {@link Kind#NOT_FOUND}, any other a
 * {@link Kind#CONFLICT}.
 */
public class StoreConflict extends DomainException {
  public StoreConflict(String code, String path, String message) {
    super(code.endsWith("not_found") ? Kind.NOT_FOUND : Kind.CONFLICT, code, message, List.of(Violation.of(path, code, message)),
        Map.of());
  }
}
