package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An API token. Only its SHA-256 hash is stored, never the token.
 *
 * @param id        positive, assigned by the store
 * @param name      a label
 * @param sha256Hex the token's SHA-256, 64 lowercase hex
 * @param createdUs creation time, microseconds since the epoch
 * @param revoked   whether it was revoked (then it authenticates nothing)
 * @param scope     what it may do: read data, or also administer projects and tokens
 * @param projects  the projects it may see, ascending; empty for every project
 */
public record ApiToken(long id, String name, String sha256Hex, long createdUs, boolean revoked, Scope scope,
    List<Long> projects) {

  /** What a token may do. Tokens made before scopes existed are {@link #ADMIN} of every project. */
  public enum Scope {
    /** Read the data of its projects. */
    READ,
    /** Also create projects, rotate keys, change settings and manage tokens. */
    ADMIN;

    /** {@code read} or {@code admin}: the name on the command line, in the API and in storage. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The scope named {@code s} ({@code read} or {@code admin}, any case); else IllegalArgumentException. */
    public static Scope parse(String s) {
      if (s != null) {
        for (Scope x : values()) if (x.wireName().equalsIgnoreCase(s.trim())) return x;
      }
      throw new IllegalArgumentException("scope: '" + s + "' (expected: read or admin)");
    }
  }

  public ApiToken {
    requireNonNull(name, "name");
    requireNonNull(sha256Hex, "sha256Hex");
    requireNonNull(scope, "scope");
    requireNonNull(projects, "projects");
    projects = projects.stream().distinct().sorted().toList();
    for (long p : projects) if (p <= 0) throw new IllegalArgumentException("project id: " + p + " (expected: > 0)");
  }

  /** A token from before scopes: admin of every project. */
  public ApiToken(long id, String name, String sha256Hex, long createdUs, boolean revoked) {
    this(id, name, sha256Hex, createdUs, revoked, Scope.ADMIN, List.of());
  }

  /** Whether it may see every project (no project list). */
  public boolean allProjects() {
    return projects.isEmpty();
  }

  /** Whether it may see project {@code projectId}. */
  public boolean maySee(long projectId) {
    return projects.isEmpty() || projects.contains(projectId);
  }

  /** The stored form of {@link #projects}: ids joined by commas, empty for every project. */
  public String projectsText() {
    StringBuilder b = new StringBuilder();
    for (long p : projects) b.append(b.length() == 0 ? "" : ",").append(p);
    return b.toString();
  }

  /** Reads {@link #projectsText()} back (null or blank: every project). */
  public static List<Long> parseProjects(String text) {
    List<Long> out = new ArrayList<>();
    if (text == null || text.isBlank()) return out;
    for (String s : text.split(",")) out.add(Long.parseLong(s.trim()));
    return out;
  }
}
