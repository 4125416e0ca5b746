package io.streamlake.devservices;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics idempotently (an existing topic is left as it is). */
public final class TopicAdmin {
  private TopicAdmin() {}

  /**
   * Creates each topic with its partition count, replication factor 1 and unlimited retention
   * (generated events carry event-time timestamps that may be far in the past).
   */
  public static void create(Admin admin, Map<String, Integer> partitionsByName) {
    List<NewTopic> topics = partitionsByName.entrySet().stream()
        .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1)
            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")))
        .collect(Collectors.toList());
    admin.createTopics(topics).values().forEach((name, future) -> {
      try {
        future.get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating topic " + name, e);
      }
    });
    awaitLeaders(admin, partitionsByName.keySet());
  }

  /**
   * Waits until every partition of the topics has a leader, so a producer that starts right away
   * does not meet NotLeaderOrFollower errors.
   */
  static void awaitLeaders(Admin admin, java.util.Collection<String> names) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        boolean ready = admin.describeTopics(names).allTopicNames().get().values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        if (ready) {
          return;
        }
      } catch (ExecutionException e) {
        // metadata not propagated yet: ask again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topic leaders", e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics have no leader after 30 s: " + names);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // broker metadata has no change notification
    }
  }
}
