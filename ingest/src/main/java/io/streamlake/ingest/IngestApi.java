package io.streamlake.ingest;

import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the HTTP ingest API until the process is stopped (SIGTERM / Ctrl-C stop it gracefully).
 *
 * <pre>
 * STREAMLAKE_INGEST_TOKEN=secret scripts/ingest-api.sh --port 8088 --bootstrap-servers 127.0.0.1:9092
 * curl -H 'Authorization: Bearer secret' -H 'Content-Type: application/json' \
 *   -d '{"InvoiceNo":"536365","StockCode":"85123A","Description":"WHITE HANGING HEART T-LIGHT HOLDER",
 *        "Quantity":6,"InvoiceDate":"2010-12-01 08:26","UnitPrice":2.55,"CustomerID":"17850",
 *        "Country":"United Kingdom"}' http://127.0.0.1:8088/v1/retail/invoice-lines
 * </pre>
 */
@Command(name = "ingest-api", mixinStandardHelpOptions = true, sortOptions = false,
    description = "HTTP ingest API: POST /v1/retail/invoice-lines -> Kafka topic retail-invoice-lines (acks=all);"
        + " GET /health; GET /metrics.")
public final class IngestApi implements Callable<Integer> {
  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--port", defaultValue = "8088", description = "Port to listen on; 0 = any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the topic name (default: none).")
  String topicPrefix;

  @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "Larger request bodies are answered 413 (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  @Option(names = "--produce-timeout-ms", defaultValue = "10000", description = "Wait this long for Kafka's acknowledgements, then answer 503 (default: ${DEFAULT-VALUE}).")
  long produceTimeoutMs;

  @Option(names = "--token-env", defaultValue = "STREAMLAKE_INGEST_TOKEN",
      description = "Environment variable holding the bearer token; when it is set and not empty, every ingest request"
          + " must carry 'Authorization: Bearer <token>' (default: ${DEFAULT-VALUE}).")
  String tokenEnv;

  @Option(names = "--local-zone", defaultValue = "UTC", description = "Zone of an InvoiceDate without an offset (default: ${DEFAULT-VALUE}).")
  String localZone;

  @Option(names = "--max-errors", defaultValue = "100", description = "Field errors listed at most in one 400 answer (default: ${DEFAULT-VALUE}).")
  int maxErrors;

  @Option(names = "--max-future-skew-minutes", defaultValue = "" + io.streamlake.schemas.EventTimes.DEFAULT_MAX_FUTURE_SKEW_MINUTES, description = "An InvoiceDate more than this many"
      + " minutes ahead of the clock is refused: the pipelines (--maxFutureSkewMinutes) would send it to the dead letters;"
      + " 0 = no limit (default: ${DEFAULT-VALUE}).")
  long maxFutureSkewMinutes;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IngestApi()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    String token = System.getenv(tokenEnv);
    IngestConfig config = new IngestConfig(bind, port, bootstrapServers, topicPrefix, maxBodyBytes,
        Duration.ofMillis(produceTimeoutMs), token, ZoneId.of(localZone), maxErrors, Duration.ofMinutes(maxFutureSkewMinutes));
    IngestServer server = IngestServer.start(config);
    System.out.println("ingest API listening on http://" + bind + ":" + server.port() + IngestServer.INGEST_PATH
        + " (bearer token " + (config.token() == null ? "not required: " + tokenEnv + " is not set" : "required") + ")");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "ingest-api-stop"));
    stopped.await();
    return 0;
  }
}
