package dev.spindle.spring.boot;

/** Without Boot's scheduled-task observations (no Actuator): the starter's own registry. */
class ScheduledTransactionsWithoutObservationTest extends ScheduledTransactionsTest {
  @Override
  String[] properties() {
    return new String[] {"spring.autoconfigure.exclude="
        + "org.springframework.boot.micrometer.observation.autoconfigure.ScheduledTasksObservationAutoConfiguration"};
  }
}
