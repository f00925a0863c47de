package dev.spindle;

import dev.spindle.protocol.internal.Ids;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An error event before it is sent: an exception (with its causes), a message, or both, with a
 * level and the name of the logger that produced it. Made by {@link #of(Throwable)} or
 * {@link #ofMessage}, sent by {@link Tracer#captureEvent}, which fills in the current scopes'
 * tags and user (the event's own tags win) and then hands it to
 * {@link SpindleOptions#setBeforeSend}, which may change it or drop it. Not thread-safe: it
 * belongs to the thread capturing it.
 */
public final class ErrorEvent {
  private final String eventId = Ids.newEventId();
  private final Throwable throwable;
  private String message;
  private EventLevel level;
  private String logger;
  private User user;
  private final Map<String, String> tags = new LinkedHashMap<>();
  /** Set for errors the application did not catch; null otherwise. */
  private String unhandledMechanism;

  private ErrorEvent(Throwable throwable, String message, EventLevel level) {
    this.throwable = throwable;
    this.message = message;
    this.level = level;
  }

  /** An event for {@code throwable} at level {@code error}; null is reported, not thrown. */
  public static ErrorEvent of(Throwable throwable) {
    return new ErrorEvent(throwable, null, EventLevel.ERROR);
  }

  /** A message event; a null level is {@code info}. */
  public static ErrorEvent ofMessage(String message, EventLevel level) {
    return new ErrorEvent(null, message, level == null ? EventLevel.INFO : level);
  }

  public String eventId() { return eventId; }
  /** Null for a message event. */
  public Throwable throwable() { return throwable; }
  public String message() { return message; }
  public EventLevel level() { return level; }
  public String logger() { return logger; }
  public User user() { return user; }
  /** The tags, unmodifiable; change them with {@link #setTag}. */
  public Map<String, String> tags() { return Collections.unmodifiableMap(tags); }

  /** The message (for an exception event, the log line it was logged with); null for none. */
  public ErrorEvent setMessage(String message) {
    this.message = message;
    return this;
  }

  /** A null level is ignored. */
  public ErrorEvent setLevel(EventLevel level) {
    if (level != null) this.level = level;
    return this;
  }

  /** The name of the logger that produced the event, such as {@code com.shop.Checkout}. */
  public ErrorEvent setLogger(String logger) {
    this.logger = logger;
    return this;
  }

  public ErrorEvent setUser(User user) {
    this.user = user;
    return this;
  }

  /** A null value removes the tag; a null key is ignored. */
  public ErrorEvent setTag(String key, String value) {
    if (key == null) return this;
    if (value == null) tags.remove(key);
    else tags.put(key, value);
    return this;
  }

  ErrorEvent unhandled(String mechanism) {
    this.unhandledMechanism = Objects.requireNonNull(mechanism);
    return this;
  }

  String unhandledMechanism() {
    return unhandledMechanism;
  }

  /** Adds the scope's tags the event does not have, and its user when the event has none. */
  void fillFrom(ScopeData scope) {
    for (Map.Entry<String, String> t : scope.tags.entrySet()) tags.putIfAbsent(t.getKey(), t.getValue());
    if (user == null) user = scope.user;
  }
}
