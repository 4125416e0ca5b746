package io.streamlake.generators.core;

import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Seeded randomness that depends only on (seed, stream, event number), so an event is a pure
 * function of its number and two runs with one seed agree byte for byte.
 */
public final class Rng {
  private Rng() {}

  /** A generator for event {@code n} of a named stream under a seed. */
  public static SplittableRandom of(long seed, String stream, long n) {
    return new SplittableRandom(mix(mix(seed ^ stream.hashCode() * 0x9E3779B97F4A7C15L) + n));
  }

  /** A deterministic event id (UUID form) for event {@code n} of a stream under a seed. */
  public static String eventId(long seed, String stream, long n) {
    long hi = mix(seed * 31 + stream.hashCode() + mix(n));
    long lo = mix(hi ^ n ^ 0x5DEECE66DL);
    // version 4 and IETF variant bits, so it looks like any other UUID downstream
    hi = (hi & ~0xF000L) | 0x4000L;
    lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }

  /** SplitMix64 finaliser. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
