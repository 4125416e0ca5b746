package io.streamlake.generators.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlake.generators.Scenarios;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact records (topic, key bytes, value bytes, event time, kind, in order) every
 * generated scenario produces for a fixed seed, as SHA-256 digests recorded from the generator
 * before any performance work. A speed-up that changes one byte, one record's order or one random
 * draw fails here; a deliberate change of the model must update the digests and say so.
 */
class GoldenOutputTest {
  private static final GeneratorConfig PLAIN = GeneratorConfig.builder().seed(1).rate(1000).events(3000).build();
  private static final GeneratorConfig DISORDERED = GeneratorConfig.builder()
      .seed(7).rate(20).events(3000)
      .outOfOrder(0.10, Duration.ofSeconds(20)).late(0.05, Duration.ofMinutes(10))
      .duplicateFraction(0.03).poisonFraction(0.02)
      .build();

  /** Digests recorded at commit 3fad7dd (before the generator speed-up), by "scenario/config". */
  private static final Map<String, String> GOLDEN = Map.ofEntries(
      Map.entry("boxoffice/disordered", "dffc8196e4583f39f46475c6b87f5a717e095ff6ae76e5d11faef6456cf56e91"),
      Map.entry("boxoffice/plain", "8b782be2337264156b48ba252178ca27b43416cddba7bf7948743a0eb06073d8"),
      Map.entry("flights/disordered", "6d8f1f0e0830d25582c12caedd1038e4f2d475cb14e006044b31842508ed1aa0"),
      Map.entry("flights/plain", "f7384c839dc158f310d8d4bf41191a71a930dc8704e00e87ae4fe105ef403561"),
      Map.entry("retail/disordered", "9341d54ee25160386b984f8ffe5b47b889460e6cf4f7c5d03408e255bb86935b"),
      Map.entry("retail/plain", "8607c2975404202a8c741d56435d5d69fa7a68c1fa64cb72386dc8b81425dcbe"),
      Map.entry("shop/disordered", "207035c73de797c2cb479796d9d94b14434c2b0323d441245943d1522f8aa854"),
      Map.entry("shop/plain", "cb9794b7fad13bd1fce6198b41fec2eaf569f573149408245eca6a993e457289"),
      Map.entry("ticketing/disordered", "147b45b49377c287ac81afb50ce3d07ce70b4cb16e2bdcf5b94b2c63c5425536"),
      Map.entry("ticketing/plain", "a57f495c3cfd3b5cfa2d77317ec036d0f6fd30d111ed8649efd73b05901806a4")
  );

  static String digest(RecordStream records) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer header = ByteBuffer.allocate(32);
    while (records.hasNext()) {
      long release = records.peekReleaseTime().toEpochMilli();
      GeneratedRecord r = records.next();
      header.clear();
      header.putLong(release).putLong(r.eventTime().getEpochSecond()).putInt(r.eventTime().getNano())
          .putInt(r.kind().ordinal()).putInt(r.key() == null ? -1 : r.key().length).putInt(r.value().length);
      md.update(r.topic().getBytes(StandardCharsets.UTF_8));
      md.update(header.array(), 0, header.position());
      if (r.key() != null) {
        md.update(r.key());
      }
      md.update(r.value());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static Map<String, String> actual() {
    Map<String, String> out = new TreeMap<>();
    for (String name : Scenarios.generated()) {
      out.put(name + "/plain", digest(DisorderedStream.of(Scenarios.create(name, null), PLAIN)));
      out.put(name + "/disordered", digest(DisorderedStream.of(Scenarios.create(name, null), DISORDERED)));
    }
    return out;
  }

  @Test
  void everyScenarioProducesTheRecordedBytesForItsSeed() {
    assertEquals(new TreeMap<>(GOLDEN), actual());
  }
}
