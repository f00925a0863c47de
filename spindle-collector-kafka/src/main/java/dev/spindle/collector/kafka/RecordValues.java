package dev.spindle.collector.kafka;

import dev.spindle.storage.WriteBatch;
import dev.spindle.storage.write.WriteBatchCodec;

/**
 * Rows as Kafka record values: the shared binary {@link WriteBatchCodec}. Records written before
 * it, JSON objects (first byte <code>'{'</code>), are still read, by {@link LegacyJsonBatch}.
 */
final class RecordValues {
  private RecordValues() {}

  static byte[] encode(WriteBatch batch) {
    return WriteBatchCodec.encode(batch);
  }

  /**
   * The rows of a record value, in any form Spindle ever wrote.
   *
   * @throws IllegalArgumentException when it is not such a value
   */
  static WriteBatch decode(byte[] value) {
    if (value == null) throw new IllegalArgumentException("record without a value");
    if (value.length > 0 && value[0] == '{') return LegacyJsonBatch.decode(value);
    return WriteBatchCodec.decode(value);
  }
}
