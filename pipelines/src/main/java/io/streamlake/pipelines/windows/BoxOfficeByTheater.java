package io.streamlake.pipelines.windows;

import io.streamlake.events.boxoffice.BoxOfficeEvent;
import io.streamlake.events.boxoffice.BoxOfficeEventKind;
import io.streamlake.events.boxoffice.BoxOfficeStats;
import io.streamlake.schemas.Topic;
import io.streamlake.schemas.Topics;
import java.time.Instant;
import java.util.List;

/**
 * Box-office events per theater in one window: arrivals, purchases and tickets sold, moviegoers who
 * left without buying, and the average and longest wait of those who stopped waiting in the window
 * (bought or left).
 */
final class BoxOfficeByTheater implements WindowedAggregate.Aggregation<BoxOfficeEvent, BoxOfficeStats> {
  private static final long serialVersionUID = 1L;
  static final String NAME = "boxoffice_minutely";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Topic<BoxOfficeEvent> topic() {
    return Topics.BOX_OFFICE;
  }

  @Override
  public Class<BoxOfficeStats> rowClass() {
    return BoxOfficeStats.class;
  }

  @Override
  public String groupOf(BoxOfficeEvent event) {
    return event.getTheaterId();
  }

  @Override
  public String eventIdOf(BoxOfficeEvent event) {
    return event.getEventId();
  }

  @Override
  public Instant eventTimeOf(BoxOfficeEvent event) {
    return event.getEventTime();
  }

  @Override
  public BoxOfficeStats summarize(String theater, Instant start, Instant end, List<BoxOfficeEvent> events) {
    long arrivals = 0;
    long purchases = 0;
    long tickets = 0;
    long left = 0;
    long waits = 0;
    double waitSum = 0;
    double waitMax = 0;
    for (BoxOfficeEvent e : events) {
      BoxOfficeEventKind kind = e.getKind();
      if (kind == BoxOfficeEventKind.ARRIVED) {
        arrivals++;
      } else if (kind == BoxOfficeEventKind.BOUGHT) {
        purchases++;
        tickets += e.getTickets();
      } else if (kind == BoxOfficeEventKind.LEFT_WITHOUT_BUYING) {
        left++;
      }
      if (kind == BoxOfficeEventKind.BOUGHT || kind == BoxOfficeEventKind.LEFT_WITHOUT_BUYING) {
        waits++;
        waitSum += e.getWaitedSeconds();
        waitMax = Math.max(waitMax, e.getWaitedSeconds());
      }
    }
    return new BoxOfficeStats(start, end, theater, (long) events.size(), arrivals, purchases, tickets, left,
        waits == 0 ? null : waitSum / waits, waits == 0 ? null : waitMax);
  }
}
