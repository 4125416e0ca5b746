package io.streamlake.devservices;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
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
   * Waits until every partition of the topics has a leader <em>and</em> that leader serves the partition:
   * a leader in the metadata is not enough, since the broker may not have opened the partition's log yet;
   * a producer that starts then meets NotLeaderOrFollower, and its idempotent retries can end in
   * OutOfOrderSequence errors. A successful ListOffsets of every partition is answered by the leader's
   * replica manager, so after it producing works at once.
   */
  static void awaitLeaders(Admin admin, Collection<String> names) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String lastProblem = "no answer yet";
    while (true) {
      try {
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        boolean leaders = true;
        for (TopicDescription d : described.values()) {
          for (TopicPartitionInfo p : d.partitions()) {
            leaders &= p.leader() != null && !p.leader().isEmpty();
            partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
          }
        }
        if (leaders) {
          admin.listOffsets(partitions).all().get();
          return;
        }
        lastProblem = "a partition has no leader";
      } catch (ExecutionException e) {
        lastProblem = e.getCause().toString(); // metadata not propagated or log not open yet: ask again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topic leaders", e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics not writable after 30 s (" + lastProblem + "): " + names);
      }
      LockSupport.parkNanos(50_000_000L); // broker metadata has no change notification
    }
  }
}
