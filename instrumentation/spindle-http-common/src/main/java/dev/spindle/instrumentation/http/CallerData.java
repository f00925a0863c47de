package dev.spindle.instrumentation.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What a server integration records about its caller, as span data, only when the application
 * allows personal data ({@code sendDefaultPii}): the client's address ({@code client.address})
 * and the request headers ({@code http.request.header.<lower-case name>}, values joined by
 * {@code ,}). Credentials are never recorded, whatever the option: {@code Authorization},
 * {@code Proxy-Authorization}, {@code Cookie}.
 */
public final class CallerData {
  private static final Set<String> CREDENTIALS = Set.of("authorization", "proxy-authorization", "cookie");

  private CallerData() {}

  /** Records {@code clientAddress} (may be null) and {@code headers} through {@code data}. */
  public static void record(String clientAddress, Map<String, List<String>> headers,
      BiConsumer<String, Object> data) {
    if (clientAddress != null) data.accept("client.address", clientAddress);
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (h.getKey() == null) continue;
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!CREDENTIALS.contains(name)) data.accept("http.request.header." + name, String.join(",", h.getValue()));
    }
  }
}
