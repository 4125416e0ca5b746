package io.streamlake.devservices;

import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/**
 * Helpers for {@code scripts/kafka-local.sh}, which runs a real broker ({@code kafka.Kafka}) as a
 * background process. Sub-commands:
 *
 * <pre>
 * LocalKafka config DIR PORT CONTROLLER_PORT   write DIR/server.properties (KRaft, combined node, 127.0.0.1)
 * LocalKafka await BOOTSTRAP SECONDS           wait until the broker answers, exit 1 if it does not in time
 * LocalKafka create-topics BOOTSTRAP [PREFIX]  create every topic of the registry (idempotent)
 * LocalKafka describe BOOTSTRAP                print the topics and their partition counts
 * </pre>
 */
public final class LocalKafka {
  private LocalKafka() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
    }
    switch (args[0]) {
      case "config" -> {
        need(args, 4);
        writeConfig(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      }
      case "await" -> {
        need(args, 3);
        System.exit(await(args[1], Duration.ofSeconds(Long.parseLong(args[2]))) ? 0 : 1);
      }
      case "create-topics" -> {
        need(args, 2);
        String prefix = args.length > 2 ? args[2] : "";
        try (Admin admin = admin(args[1])) {
          TopicAdmin.create(admin, Topics.all().stream()
              .collect(Collectors.toMap(t -> prefix + t.name(), Topic::partitions)));
        }
        System.out.println("topics ready: " + Topics.all().stream().map(t -> prefix + t.name())
            .collect(Collectors.joining(", ")));
      }
      case "describe" -> {
        need(args, 2);
        try (Admin admin = admin(args[1])) {
          admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values().stream()
              .sorted((a, b) -> a.name().compareTo(b.name()))
              .forEach(d -> System.out.println(d.name() + " partitions=" + d.partitions().size()));
        }
      }
      default -> usage();
    }
  }

  /** Writes a KRaft server.properties for one combined broker/controller on 127.0.0.1. */
  static void writeConfig(Path dir, int port, int controllerPort) throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", dir.resolve("data").toAbsolutePath().toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("log.retention.ms", "-1");
    try (OutputStream out = Files.newOutputStream(dir.resolve("server.properties"))) {
      p.store(out, "streamlake local broker (written by LocalKafka config)");
    }
  }

  /** True once the broker lists its topics, false when the timeout passes first. */
  static boolean await(String bootstrap, Duration timeout) {
    // The admin client keeps retrying the connection until its API timeout: no polling loop here.
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500))) {
      admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeout.toMillis())).names()
          .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      System.err.println("no Kafka broker answered at " + bootstrap + " within " + timeout.toSeconds() + " s: " + e.getMessage());
      return false;
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
  }

  private static void need(String[] args, int n) {
    if (args.length < n) {
      usage();
    }
  }

  private static void usage() {
    System.err.println("usage: LocalKafka config DIR PORT CONTROLLER_PORT | await BOOTSTRAP SECONDS"
        + " | create-topics BOOTSTRAP [PREFIX] | describe BOOTSTRAP");
    System.exit(2);
  }
}
