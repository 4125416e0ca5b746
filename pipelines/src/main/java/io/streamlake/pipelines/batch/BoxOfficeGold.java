package io.streamlake.pipelines.batch;

import static io.streamlake.pipelines.batch.GoldTable.bigint;
import static io.streamlake.pipelines.batch.GoldTable.hourColumn;
import static io.streamlake.pipelines.batch.GoldTable.number;
import static io.streamlake.pipelines.batch.GoldTable.text;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Box-office gold: per theater and hour, distinct moviegoers, arrivals, purchases, tickets sold,
 * walk-outs, and the average and 90th percentile of the waiting time.
 *
 * <p>Waiting time is {@code waited_seconds} of each moviegoer whose wait ended in the hour: a BOUGHT
 * (time queueing before service) or a LEFT_WITHOUT_BUYING (time until giving up). The p90 is the
 * nearest-rank percentile: the {@code ceil(0.9 n)}-th smallest wait. The average sums the sorted waits,
 * so every runner computes the same double.
 */
public final class BoxOfficeGold extends PTransform<PCollection<BoxOfficeEvent>, PCollection<BoxOfficeGold.TheaterHour>> {
  public static final GoldTable TABLE = new GoldTable("gold_boxoffice_theater_hourly", List.of(hourColumn(),
      text("theater_id"), bigint("moviegoers"), bigint("arrivals"), bigint("purchases"), bigint("tickets_sold"),
      bigint("left_without_buying"), number("avg_wait_seconds"), number("p90_wait_seconds")),
      List.of("hour", "theater_id"));

  /** A row of {@link #TABLE}; the waits are null when no wait ended in the hour. */
  @DefaultCoder(SerializableCoder.class)
  public record TheaterHour(Instant hour, String theaterId, long moviegoers, long arrivals, long purchases,
      long ticketsSold, long leftWithoutBuying, Double avgWaitSeconds, Double p90WaitSeconds) implements GoldRow {
    @Override
    public List<Object> values() {
      return Arrays.asList(hour, theaterId, moviegoers, arrivals, purchases, ticketsSold, leftWithoutBuying,
          avgWaitSeconds, p90WaitSeconds);
    }
  }

  private final Instant hour;

  private BoxOfficeGold(Instant hour) {
    this.hour = hour;
  }

  public static BoxOfficeGold of(Hour hour) {
    return new BoxOfficeGold(hour.start());
  }

  @Override
  public PCollection<TheaterHour> expand(PCollection<BoxOfficeEvent> events) {
    return events
        .apply("KeyByTheater", WithKeys.of((BoxOfficeEvent e) -> e.getTheaterId()).withKeyType(TypeDescriptors.strings()))
        .apply("GroupByTheater", GroupByKey.create())
        .apply("SumTheaterHour", ParDo.of(new SumFn(hour)));
  }

  /** The nearest-rank percentile of sorted values: the {@code ceil(p n)}-th smallest. */
  public static double nearestRank(double[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  static final class SumFn extends DoFn<KV<String, Iterable<BoxOfficeEvent>>, TheaterHour> {
    private final Instant hour;

    SumFn(Instant hour) {
      this.hour = hour;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<BoxOfficeEvent>> theater, OutputReceiver<TheaterHour> out) {
      Set<String> moviegoers = new HashSet<>();
      long arrivals = 0;
      long purchases = 0;
      long tickets = 0;
      long left = 0;
      List<Double> waits = new ArrayList<>();
      for (BoxOfficeEvent e : theater.getValue()) {
        moviegoers.add(e.getMoviegoerId());
        switch (e.getKind()) {
          case ARRIVED -> arrivals++;
          case BOUGHT -> {
            purchases++;
            tickets += e.getTickets();
            waits.add(e.getWaitedSeconds());
          }
          case LEFT_WITHOUT_BUYING -> {
            left++;
            waits.add(e.getWaitedSeconds());
          }
          default -> { }
        }
      }
      Double avg = null;
      Double p90 = null;
      if (!waits.isEmpty()) {
        double[] sorted = waits.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double sum = 0;
        for (double w : sorted) {
          sum += w;
        }
        avg = sum / sorted.length;
        p90 = nearestRank(sorted, 0.9);
      }
      out.output(new TheaterHour(hour, theater.getKey(), moviegoers.size(), arrivals, purchases, tickets, left, avg, p90));
    }
  }
}
