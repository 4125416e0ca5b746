package io.streamlake.bench.nativeflink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.junit.jupiter.api.Test;

class NativeOptionsTest {
  @Test
  void defaultsMirrorThePipelines() {
    NativeOptions o = NativeOptions.parse("--topicPrefix=p-");
    assertEquals("p-native-", o.outputPrefix());
    assertEquals(RuntimeExecutionMode.BATCH, o.mode());
    assertEquals(15, o.paymentWindowMinutes());
    assertEquals(5, o.allowedLatenessMinutes());
    assertEquals(5, o.pageViewWindowMinutes());
    assertFalse(o.watermarksFromData());
  }

  @Test
  void streamingWatermarksFollowTheDataUnlessHeld() {
    assertTrue(NativeOptions.parse("--mode=streaming").watermarksFromData());
    assertFalse(NativeOptions.parse("--mode=STREAMING", "--holdWatermark=true").watermarksFromData());
  }

  @Test
  void unknownOptionIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> NativeOptions.parse("--paymentWindow=15"));
  }
}
