-- Tables of the windows pipeline (WindowsPipeline). Window rows are keyed by (window_start, group) and
-- upserted: a late event within the allowed lateness updates its row, never duplicates it.
CREATE TABLE pageviews_by_method_5m (
  window_start   TIMESTAMP NOT NULL,
  window_end     TIMESTAMP NOT NULL,
  method         VARCHAR NOT NULL,
  views          BIGINT NOT NULL,
  errors         BIGINT NOT NULL,
  error_rate     DOUBLE PRECISION NOT NULL,
  avg_latency_ms DOUBLE PRECISION NOT NULL,
  p95_latency_ms INTEGER NOT NULL,
  PRIMARY KEY (window_start, method)
);
-- Page views slower than the threshold, with the user's profile when the users reference data has it.
CREATE TABLE latency_alerts (
  alert_id     VARCHAR PRIMARY KEY,
  user_id      VARCHAR NOT NULL,
  session_id   VARCHAR NOT NULL,
  url          VARCHAR NOT NULL,
  method       VARCHAR NOT NULL,
  status_code  INTEGER NOT NULL,
  latency_ms   INTEGER NOT NULL,
  threshold_ms INTEGER NOT NULL,
  viewed_at    TIMESTAMP NOT NULL,
  user_known   BOOLEAN NOT NULL,
  user_name    VARCHAR,
  user_email   VARCHAR,
  user_country VARCHAR,
  user_city    VARCHAR,
  user_segment VARCHAR
);
-- Page views by users on the VIP list.
CREATE TABLE vip_alerts (
  alert_id    VARCHAR PRIMARY KEY,
  user_id     VARCHAR NOT NULL,
  session_id  VARCHAR NOT NULL,
  url         VARCHAR NOT NULL,
  method      VARCHAR NOT NULL,
  status_code INTEGER NOT NULL,
  latency_ms  INTEGER NOT NULL,
  viewed_at   TIMESTAMP NOT NULL
);
-- One row per low star rating whose user viewed pages within the follow-up window; pages is a JSON array.
CREATE TABLE low_star_followups (
  rating_event_id VARCHAR PRIMARY KEY,
  user_id         VARCHAR NOT NULL,
  product_id      VARCHAR NOT NULL,
  stars           INTEGER NOT NULL,
  rated_at        TIMESTAMP NOT NULL,
  views           INTEGER NOT NULL,
  pages           VARCHAR NOT NULL,
  first_view_at   TIMESTAMP NOT NULL,
  last_view_at    TIMESTAMP NOT NULL
);
CREATE TABLE boxoffice_minutely (
  window_start        TIMESTAMP NOT NULL,
  window_end          TIMESTAMP NOT NULL,
  theater_id          VARCHAR NOT NULL,
  events              BIGINT NOT NULL,
  arrivals            BIGINT NOT NULL,
  purchases           BIGINT NOT NULL,
  tickets_sold        BIGINT NOT NULL,
  left_without_buying BIGINT NOT NULL,
  avg_wait_seconds    DOUBLE PRECISION,
  max_wait_seconds    DOUBLE PRECISION,
  PRIMARY KEY (window_start, theater_id)
);
CREATE TABLE flights_by_country_5m (
  window_start    TIMESTAMP NOT NULL,
  window_end      TIMESTAMP NOT NULL,
  origin_country  VARCHAR NOT NULL,
  states          BIGINT NOT NULL,
  aircraft        BIGINT NOT NULL,
  airborne        BIGINT NOT NULL,
  on_ground       BIGINT NOT NULL,
  avg_altitude_m  DOUBLE PRECISION,
  avg_velocity_ms DOUBLE PRECISION,
  PRIMARY KEY (window_start, origin_country)
);
