package dev.weft.definition;

/** Builds RFC 6901 JSON pointers. */
public final class JsonPointers {
  private JsonPointers() {}

  public static String child(String parent, String name) {
    return parent + "/" + name.replace("~", "~0").replace("/", "~1");
  }

  public static String child(String parent, int index) {
    return parent + "/" + index;
  }
}
