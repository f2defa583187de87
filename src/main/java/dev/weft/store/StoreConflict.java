package dev.weft.store;

/** A write the store refused because it conflicts with what is there: a stable code and a message. */
public class StoreConflict extends RuntimeException {
  private final String code;
  private final String path;

  public StoreConflict(String code, String path, String message) {
    super(message);
    this.code = code;
    this.path = path;
  }

  public String code() {
    return code;
  }

  public String path() {
    return path;
  }
}
