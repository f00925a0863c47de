package dev.spindle.storage.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.storage.StorageException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retry, split and set aside: what is skipped, when, and what never is. */
class DeliveryTest {
  private final List<List<String>> written = new ArrayList<>();
  private final List<String> setAside = new ArrayList<>();
  private final List<Long> sleeps = new ArrayList<>();

  /** A target refusing groups holding "poison" and, while {@code down}, everything (as given). */
  private Delivery.Target<String> target(AtomicBoolean down, RuntimeException whileDown) {
    return group -> {
      if (down.get()) throw whileDown;
      if (group.contains("poison")) throw new StorageException("Code: 53, type mismatch (test)");
      written.add(group);
    };
  }

  @Test
  void anUnreachableTargetIsRetriedWithBackoffAsOneGroupAndNothingIsSkipped() {
    AtomicInteger calls = new AtomicInteger();
    Delivery<String> d = Delivery.<String>builder(group -> {
      if (calls.incrementAndGet() <= 7) throw new StorageException("down", new IOException("connection refused"));
      written.add(group);
    }).setAside((item, why) -> setAside.add(item)).sleeper(sleeps::add).build();
    assertTrue(d.deliver(List.of("a", "b")));
    assertEquals(List.of(List.of("a", "b")), written, "written at last, as one group");
    assertEquals(List.of(), setAside);
    assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L), sleeps);
  }

  @Test
  void aGroupRefusedOnceIsRetriedWhole() {
    AtomicInteger calls = new AtomicInteger();
    Delivery<String> d = Delivery.<String>builder(group -> {
      if (calls.incrementAndGet() <= 2) throw new StorageException("busy (test)");
      written.add(group);
    }).sleeper(sleeps::add).build();
    assertTrue(d.deliver(List.of("a", "b")));
    assertEquals(List.of(List.of("a", "b")), written);
  }

  @Test
  void anItemOnlyItIsRefusedIsSetAsideAndTheOthersAreWritten() {
    Delivery<String> d = Delivery.builder(target(new AtomicBoolean(), null))
        .setAside((item, why) -> setAside.add(item + ": " + why.getMessage()))
        .keepOrder(false).sleeper(sleeps::add).build();
    assertTrue(d.deliver(List.of("poison", "a", "b")));
    assertEquals(List.of(List.of("a"), List.of("b")), written, "split after 3 group refusals");
    assertEquals(List.of("poison: Code: 53, type mismatch (test)"), setAside);
    assertEquals(List.of(100L, 200L, 400L, 800L), sleeps, "3 group refusals, then 3 of the item alone");
  }

  @Test
  void inOrderARefusedItemHoldsBackTheItemsAfterIt() {
    Delivery<String> d = Delivery.builder(target(new AtomicBoolean(), null))
        .setAside((item, why) -> {
          setAside.add(item);
          written.add(List.of("(set aside " + item + ")"));
        })
        .probe(() -> { }).sleeper(sleeps::add).build();
    assertTrue(d.deliver(List.of("a", "poison", "b")));
    assertEquals(List.of(List.of("a"), List.of("(set aside poison)"), List.of("b")), written);
    assertEquals(List.of("poison"), setAside);
  }

  @Test
  void aLoneItemIsSetAsideOnlyWhenTheProbeShowsTheTargetWorks() {
    AtomicBoolean probeFails = new AtomicBoolean(true);
    AtomicInteger probes = new AtomicInteger();
    Delivery<String> d = Delivery.builder(target(new AtomicBoolean(), null))
        .setAside((item, why) -> setAside.add(item))
        .probe(() -> {
          probes.incrementAndGet();
          if (probeFails.get()) throw new StorageException("no space left on device (test)");
        })
        .sleeper(ms -> {
          sleeps.add(ms);
          if (sleeps.size() == 5) probeFails.set(false);
        }).build();
    assertTrue(d.deliver(List.of("poison")));
    assertEquals(List.of("poison"), setAside);
    assertEquals(4, probes.get(), "asked from the 3rd refusal on, until it succeeded");
  }

  @Test
  void whileTheTargetRefusesEverythingNothingIsSkipped() {
    AtomicBoolean down = new AtomicBoolean(true);
    Delivery<String> d = Delivery.builder(target(down, new StorageException("no space left on device (test)")))
        .setAside((item, why) -> setAside.add(item)).keepOrder(false)
        .sleeper(ms -> {
          sleeps.add(ms);
          if (sleeps.size() == 20) down.set(false);
        }).build();
    assertTrue(d.deliver(List.of("a", "b")));
    assertEquals(List.of(), setAside, "no proof that the target works: nothing skipped (there is no probe)");
    assertEquals(List.of(List.of("a"), List.of("b")), written);
  }

  @Test
  void withoutASetAsideNothingIsEverSkipped() {
    AtomicInteger rounds = new AtomicInteger();
    Delivery<String> d = Delivery.builder(target(new AtomicBoolean(), null)).keepOrder(false)
        .sleeper(ms -> {
          if (rounds.incrementAndGet() == 10) throw new InterruptedException();
        }).build();
    assertFalse(d.deliver(List.of("poison", "a")), "interrupted while still retrying the refused item");
    assertTrue(Thread.interrupted());
    assertEquals(List.of(List.of("a")), written);
  }

  @Test
  void whenStoppedItGivesUpAfterRoundsThatWroteNothing() {
    AtomicBoolean down = new AtomicBoolean(true);
    Delivery<String> d = Delivery.builder(target(down, new StorageException("down", new IOException("refused"))))
        .setAside((item, why) -> setAside.add(item)).stopped(() -> true).sleeper(sleeps::add).build();
    assertFalse(d.deliver(List.of("a")));
    assertEquals(5, sleeps.size(), "6 rounds, 5 waits between them");

    // Stopped, yet a refused item still reaches its set-aside first (opening with a bad batch in the log).
    down.set(false);
    Delivery<String> opening = Delivery.builder(target(down, null)).setAside((item, why) -> setAside.add(item))
        .probe(() -> { }).stopped(() -> true).sleeper(sleeps::add).build();
    assertTrue(opening.deliver(List.of("poison", "a")));
    assertEquals(List.of("poison"), setAside);
  }

  /** The group commit's use: no retry, no wait; a refused batch fails its own caller only. */
  @Test
  void oneRoundFailsOnlyTheRefusedItemsAndReportsTheRest() {
    List<String> failed = new ArrayList<>();
    AtomicBoolean down = new AtomicBoolean();
    Delivery<String> d = Delivery.builder(target(down, new StorageException("down", new IOException("refused"))))
        .attempts(1).maxRounds(1).keepOrder(false).probe(() -> { })
        .setAside((item, why) -> failed.add(item + ": " + why.getMessage()))
        .onGiveUp((item, why) -> failed.add(item + " (gave up): " + why.getMessage()))
        .sleeper(sleeps::add).build();
    assertTrue(d.deliver(List.of("a", "poison", "b")));
    assertEquals(List.of(List.of("a"), List.of("b")), written);
    assertEquals(List.of("poison: Code: 53, type mismatch (test)"), failed);

    failed.clear();
    down.set(true);
    assertFalse(d.deliver(List.of("c", "d")));
    assertEquals(List.of("c (gave up): down", "d (gave up): down"), failed);
    assertEquals(List.of(), sleeps, "never waited");
  }

  @Test
  void causesAreClassified() {
    assertTrue(Delivery.unreachable(new StorageException("x", new HttpTimeoutException("t"))));
    assertFalse(Delivery.unreachable(new StorageException("ClickHouse answered 500: Code: 27")));
  }
}
