package dev.spindle.storage;

/** Checks of the id format every row uses: lowercase hex of a fixed length. */
final class HexIds {
  private HexIds() {}

  /** Returns {@code id} when it is {@code length} lowercase hex characters or null. */
  static String check(String id, int length, String name) {
    if (id == null) return null;
    boolean ok = id.length() == length;
    for (int i = 0; ok && i < length; i++) {
      char c = id.charAt(i);
      ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!ok) throw new IllegalArgumentException(name + ": '" + id + "' (expected: " + length + " lowercase hex)");
    return id;
  }
}
