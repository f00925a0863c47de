package dev.spindle.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipTest {

  @Test
  void oneEncoderCompressesPayloadsOfAnySizeInTurnAsGzipReadsThem() throws IOException {
    byte[] json = "{\"type\":\"transaction\",\"spans\":[]}".repeat(200).getBytes(StandardCharsets.UTF_8);
    byte[] random = new byte[300 * 1024]; // incompressible, larger than the kept buffer
    new Random(7).nextBytes(random);
    try (Gzip gzip = new Gzip()) {
      for (byte[] data : new byte[][] {json, new byte[0], random, json, "x".getBytes(StandardCharsets.UTF_8)}) {
        assertArrayEquals(data, gunzip(gzip.compress(data)));
      }
      assertTrue(gzip.compress(json).length < json.length / 10, "compresses");
    }
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }
}
