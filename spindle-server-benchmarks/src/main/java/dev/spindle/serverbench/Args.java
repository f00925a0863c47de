package dev.spindle.serverbench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument: " + a);
      int eq = a.indexOf('=');
      if (eq > 0) {
        values.put(a.substring(2, eq), a.substring(eq + 1));
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException(a + ": missing value");
        values.put(a.substring(2), args[++i]);
      }
    }
  }

  String str(String name, String def) {
    String v = values.get(name);
    if (v == null && def == null) throw new IllegalArgumentException("--" + name + " is required");
    return v == null ? def : v;
  }

  long num(String name, long def) {
    String v = values.get(name);
    return v == null ? def : Long.parseLong(v.replace("_", ""));
  }
}
