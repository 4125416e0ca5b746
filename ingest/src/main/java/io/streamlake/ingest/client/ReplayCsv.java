package io.streamlake.ingest.client;

import java.io.Reader;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replays a CSV file in the Online Retail format to the ingest API at a given rate, printing progress.
 * The file is read with the generators' {@link io.streamlake.generators.retail.OnlineRetailCsv} (rows it
 * cannot read are listed and counted); each line is sent with its {@code LineNo}, so a replay of the
 * same file yields the same event ids.
 *
 * <pre>
 * scripts/replay-retail-csv.sh --file data/online_retail.csv --rate 200 --batch 50 --url http://127.0.0.1:8088
 * </pre>
 */
@Command(name = "replay-retail-csv", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Replay an Online Retail CSV file to the ingest API at a steady rate.")
public final class ReplayCsv implements Callable<Integer> {
  @Option(names = "--file", required = true, description = "CSV with the header InvoiceNo,StockCode,Description,Quantity,"
      + "InvoiceDate,UnitPrice,CustomerID,Country.")
  Path file;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8088", description = "The API's base URL (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = "--rate", defaultValue = "100", description = "Lines per second; 0 = as fast as the API answers (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--batch", defaultValue = "50", description = "Lines per request at most (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--limit", description = "Stop after this many lines.")
  Long limit;

  @Option(names = "--token-env", defaultValue = "STREAMLAKE_INGEST_TOKEN", description = "Variable holding the API's bearer token (default: ${DEFAULT-VALUE}).")
  String tokenEnv;

  @Option(names = "--charset", defaultValue = "UTF-8", description = "The file's encoding, e.g. ISO-8859-1 for some exports (default: ${DEFAULT-VALUE}).")
  Charset charset;

  @Option(names = "--progress-seconds", defaultValue = "5", description = "Progress line every this many seconds (default: ${DEFAULT-VALUE}).")
  long progressSeconds;

  @Option(names = "--max-attempts", defaultValue = "5", description = "Sends of one request on 503 or a network error (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--stop-on-invalid", description = "Stop at the first rejected line instead of reporting it and going on.")
  boolean stopOnInvalid;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReplayCsv()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ReplayClient.Settings settings = new ReplayClient.Settings(url, System.getenv(tokenEnv), rate, batch, maxAttempts,
        Duration.ofSeconds(progressSeconds), !stopOnInvalid);
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.set(true); // Ctrl-C: finish the request in flight, print the summary, then exit
      try {
        finished.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "replay-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (Reader reader = Files.newBufferedReader(file, charset);
        CsvLines rows = new CsvLines(reader, file.toString(), System.out)) {
      Iterator<ReplayClient.Line> lines = limit == null ? rows : limited(rows, limit);
      System.out.println("replaying " + file + " to " + url + " at " + (rate > 0 ? rate + " lines/s" : "full speed")
          + ", " + batch + " lines per request");
      ReplayClient.Summary summary = new ReplayClient(settings, System.out).replay(lines, stop::get);
      if (rows.unreadable() > 0) {
        System.out.println(rows.unreadable() + " row(s) of " + file + " could not be read and were not sent (listed above)");
      }
      return summary.fatal() == null ? 0 : 1;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("error: " + e.getMessage()); // e.g. a file without the Online Retail header
      return 2;
    } finally {
      finished.countDown();
    }
  }

  private static <T> Iterator<T> limited(Iterator<T> in, long limit) {
    return new Iterator<>() {
      private long taken;

      @Override
      public boolean hasNext() {
        return taken < limit && in.hasNext();
      }

      @Override
      public T next() {
        taken++;
        return in.next();
      }
    };
  }
}
