package io.streamlake.bench.harness;

import io.streamlake.generators.bench.ProcStat;
import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Notices the moment the first Kafka record is consumed in this JVM, whoever consumes it: every
 * {@code KafkaConsumer} (Beam's replay reader and Flink's Kafka source alike) publishes a {@code
 * records-consumed-total} metric over JMX, and a daemon thread polls those every millisecond until
 * one is above zero. It then also takes the process CPU time, so work before the first read (starting
 * the MiniCluster, deploying tasks) can be left out of both figures.
 */
public final class FirstRead implements Runnable {
  private static final String PATTERN = "kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*";

  private volatile long epochMs;
  private volatile double cpuSeconds;
  private volatile boolean stopped;
  private final Thread thread = new Thread(this, "bench-first-read");

  public static FirstRead start() {
    FirstRead f = new FirstRead();
    f.thread.setDaemon(true);
    f.thread.start();
    return f;
  }

  @Override
  public void run() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      ObjectName pattern = new ObjectName(PATTERN);
      while (!stopped) {
        Set<ObjectName> names = server.queryNames(pattern, null);
        for (ObjectName n : names) {
          Object v;
          try {
            v = server.getAttribute(n, "records-consumed-total");
          } catch (Exception e) {
            continue; // the consumer closed in between
          }
          if (v instanceof Number num && num.doubleValue() > 0) {
            epochMs = System.currentTimeMillis();
            cpuSeconds = ProcStat.cpuSeconds();
            return;
          }
        }
        Thread.sleep(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot watch the Kafka consumers' metrics", e);
    }
  }

  /** When the first record was consumed (epoch ms), or 0 if none was seen. */
  public long epochMs() {
    return epochMs;
  }

  /** The process CPU seconds at that moment. */
  public double cpuSeconds() {
    return cpuSeconds;
  }

  public void stop() {
    stopped = true;
  }
}
