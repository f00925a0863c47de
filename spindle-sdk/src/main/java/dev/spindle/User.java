package dev.spindle;

import java.util.Objects;

/** The user a transaction or error happened for. Every field may be null. */
public final class User {
  private final String id;
  private final String username;
  private final String email;
  private final String ipAddress;

  private User(String id, String username, String email, String ipAddress) {
    this.id = id;
    this.username = username;
    this.email = email;
    this.ipAddress = ipAddress;
  }

  /** A user known by id. */
  public static User ofId(String id) {
    return new User(Objects.requireNonNull(id, "id"), null, null, null);
  }

  /** A user with any of the fields set; pass null for those unknown. */
  public static User of(String id, String username, String email, String ipAddress) {
    return new User(id, username, email, ipAddress);
  }

  public String id() {
    return id;
  }

  public String username() {
    return username;
  }

  public String email() {
    return email;
  }

  public String ipAddress() {
    return ipAddress;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof User)) return false;
    User u = (User) o;
    return Objects.equals(id, u.id) && Objects.equals(username, u.username)
        && Objects.equals(email, u.email) && Objects.equals(ipAddress, u.ipAddress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, username, email, ipAddress);
  }

  @Override
  public String toString() {
    return "User{id=" + id + ", username=" + username + "}";
  }
}
