package dev.spindle.examples.springkafka;

import dev.spindle.examples.springkafka.orders.OrdersApp;
import dev.spindle.examples.springkafka.shipping.ShippingApp;
import java.util.Arrays;

/** {@code java -jar spring-kafka-example.jar orders|shipping [--property=value ...]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String service = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (service) {
      case "orders" -> OrdersApp.builder().run(rest);
      case "shipping" -> ShippingApp.builder().run(rest);
      default -> {
        System.err.println("usage: spring-kafka-example orders|shipping [--property=value ...]");
        System.exit(2);
      }
    }
  }
}
