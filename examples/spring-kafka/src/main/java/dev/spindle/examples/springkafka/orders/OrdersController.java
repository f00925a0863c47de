package dev.spindle.examples.springkafka.orders;

import dev.spindle.Tracer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class OrdersController {
  private final Map<String, String> states = new ConcurrentHashMap<>();
  private final Producer<String, String> producer;
  private final String topic;
  private final Tracer tracer;

  OrdersController(Producer<String, String> producer, @Value("${orders.topic}") String topic, Tracer tracer) {
    this.producer = producer;
    this.topic = topic;
    this.tracer = tracer;
  }

  /** Places the order once the broker has it; answers the trace id to look up in Spindle. */
  @PostMapping("/orders/{id}")
  String place(@PathVariable("id") String id) throws Exception {
    states.put(id, "placed");
    producer.send(new ProducerRecord<>(topic, id, id)).get(10, TimeUnit.SECONDS);
    return "order " + id + " placed; trace " + tracer.currentSpan().traceId() + "\n";
  }

  @PostMapping("/orders/{id}/shipped")
  String shipped(@PathVariable("id") String id) {
    states.put(id, "shipped");
    return "order " + id + " shipped\n";
  }

  @GetMapping("/orders/{id}")
  ResponseEntity<String> state(@PathVariable("id") String id) {
    String state = states.get(id);
    return state == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(state + "\n");
  }
}
