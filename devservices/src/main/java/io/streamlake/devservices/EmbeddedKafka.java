package io.streamlake.devservices;

import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamlake.schemas.Topic;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Apache Kafka broker (KRaft, one combined broker/controller node) running inside this JVM,
 * from Kafka's own test kit. For tests: {@link #shared()} gives one broker per JVM, so a test suite
 * pays the start-up once.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static EmbeddedKafka shared;

  private final KafkaClusterTestKit cluster;
  private final Admin admin;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    this.admin = Admin.create(props);
  }

  /** Starts a new single-node broker; close it when done. */
  public static EmbeddedKafka start() {
    keepKafkaFromEndingTheJvm();
    try {
      KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(
          new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("auto.create.topics.enable", "false")
          .setConfigProp("log.retention.ms", "-1")
          .setConfigProp("num.partitions", "1")
          .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new EmbeddedKafka(cluster);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
    }
  }

  /** One broker for the whole JVM, started on first use and stopped when the JVM exits. */
  public static synchronized EmbeddedKafka shared() {
    if (shared == null) {
      EmbeddedKafka kafka = start();
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::closeQuietly, "embedded-kafka-stop"));
      shared = kafka;
    }
    return shared;
  }

  /**
   * The test kit deletes its log directories in a shutdown hook that runs at the same time as ours
   * closing the broker; a broker that then finds its log directory gone halts the JVM with exit code 1
   * ({@code Exit.halt}), which fails a test run whose tests all passed. Kafka's own tests replace the
   * exit and halt procedures the same way: in a JVM that only hosts an embedded broker for tests, a fatal
   * broker error is logged, not a reason to end the JVM.
   */
  private static void keepKafkaFromEndingTheJvm() {
    Exit.setHaltProcedure((code, message) ->
        LOG.warn("embedded Kafka asked to halt the JVM (code {}): {}; ignored", code, message));
    Exit.setExitProcedure((code, message) ->
        LOG.warn("embedded Kafka asked to exit the JVM (code {}): {}; ignored", code, message));
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public Admin admin() {
    return admin;
  }

  /** Creates topics (an existing one is left as it is). */
  public void createTopics(Collection<String> names, int partitions) {
    createTopics(names.stream().collect(Collectors.toMap(n -> n, n -> partitions)));
  }

  /** Creates the platform's topics under a name prefix, each with its registry partition count. */
  public void createTopics(String prefix, Collection<Topic<?>> topics) {
    createTopics(topics.stream().collect(Collectors.toMap(t -> prefix + t.name(), Topic::partitions)));
  }

  private void createTopics(Map<String, Integer> partitionsByName) {
    TopicAdmin.create(admin, partitionsByName);
  }

  /** Topic names on the broker. */
  public Set<String> topicNames() {
    try {
      return admin.listTopics().names().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (Exception e) {
      // the JVM is going away; nothing left to report to
    }
  }

  @Override
  public void close() throws Exception {
    admin.close();
    cluster.close();
  }
}
