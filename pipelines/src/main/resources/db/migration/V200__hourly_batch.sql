-- The hourly batch (io.streamlake.pipelines.batch.HourlyBatch): gold tables, replaced one hour at a time,
-- their staging twins (filled by StageRows with COPY or the DuckDB Appender, swapped in within one transaction), and
-- the batch's own records.
-- Every gold table is documented in docs/warehouse.md. No primary keys on the gold tables: the data checks
-- (keys not null and unique) run inside the load transaction and name the offending rows.

CREATE TABLE gold_ticketing_show_hourly (
  hour                TIMESTAMP NOT NULL,
  show_id             VARCHAR,
  venue               VARCHAR,
  currency            VARCHAR,
  show_name           VARCHAR,
  city                VARCHAR,
  bookings            BIGINT NOT NULL,
  seats               BIGINT NOT NULL,
  booked_amount_minor BIGINT NOT NULL,
  paid_bookings       BIGINT NOT NULL,
  revenue_minor       BIGINT NOT NULL,
  paid_share          DOUBLE PRECISION NOT NULL
);
CREATE INDEX gold_ticketing_show_hourly_hour ON gold_ticketing_show_hourly (hour);

CREATE TABLE gold_boxoffice_theater_hourly (
  hour                TIMESTAMP NOT NULL,
  theater_id          VARCHAR,
  moviegoers          BIGINT NOT NULL,
  arrivals            BIGINT NOT NULL,
  purchases           BIGINT NOT NULL,
  tickets_sold        BIGINT NOT NULL,
  left_without_buying BIGINT NOT NULL,
  avg_wait_seconds    DOUBLE PRECISION,
  p90_wait_seconds    DOUBLE PRECISION
);
CREATE INDEX gold_boxoffice_theater_hourly_hour ON gold_boxoffice_theater_hourly (hour);

CREATE TABLE gold_retail_sales_hourly (
  hour               TIMESTAMP NOT NULL,
  invoices           BIGINT NOT NULL,
  lines              BIGINT NOT NULL,
  units_sold         BIGINT NOT NULL,
  sales_minor        BIGINT NOT NULL,
  cancelled_invoices BIGINT NOT NULL,
  units_returned     BIGINT NOT NULL,
  cancelled_minor    BIGINT NOT NULL,
  net_sales_minor    BIGINT NOT NULL,
  customers          BIGINT NOT NULL
);
CREATE INDEX gold_retail_sales_hourly_hour ON gold_retail_sales_hourly (hour);

CREATE TABLE gold_retail_top_products_hourly (
  hour          TIMESTAMP NOT NULL,
  rank          INTEGER,
  stock_code    VARCHAR,
  description   VARCHAR,
  units_sold    BIGINT NOT NULL,
  revenue_minor BIGINT NOT NULL
);
CREATE INDEX gold_retail_top_products_hourly_hour ON gold_retail_top_products_hourly (hour);

CREATE TABLE gold_retail_customer_hourly (
  hour              TIMESTAMP NOT NULL,
  customer_id       VARCHAR,
  orders            BIGINT NOT NULL,
  cancellations     BIGINT NOT NULL,
  units             BIGINT NOT NULL,
  spend_minor       BIGINT NOT NULL,
  first_purchase_at TIMESTAMP,
  last_purchase_at  TIMESTAMP
);
CREATE INDEX gold_retail_customer_hourly_hour ON gold_retail_customer_hourly (hour);

CREATE TABLE gold_retail_cancellations_hourly (
  hour               TIMESTAMP NOT NULL,
  stock_code         VARCHAR,
  description        VARCHAR,
  cancelled_invoices BIGINT NOT NULL,
  cancelled_lines    BIGINT NOT NULL,
  units_returned     BIGINT NOT NULL,
  refunded_minor     BIGINT NOT NULL
);
CREATE INDEX gold_retail_cancellations_hourly_hour ON gold_retail_cancellations_hourly (hour);

CREATE TABLE gold_shop_product_hourly (
  hour          TIMESTAMP NOT NULL,
  product_id    VARCHAR,
  currency      VARCHAR,
  orders        BIGINT NOT NULL,
  units         BIGINT NOT NULL,
  revenue_minor BIGINT NOT NULL
);
CREATE INDEX gold_shop_product_hourly_hour ON gold_shop_product_hourly (hour);

-- What each run saw per topic and hour; the data checks compare the gold tables with it.
CREATE TABLE batch_topic_stats (
  hour              TIMESTAMP NOT NULL,
  topic             VARCHAR,
  bronze_files      BIGINT NOT NULL,
  bronze_rows       BIGINT NOT NULL,
  quarantined_files BIGINT NOT NULL,
  quarantined_rows  BIGINT NOT NULL,
  duplicates        BIGINT NOT NULL,
  silver_rows       BIGINT NOT NULL,
  control_total     BIGINT NOT NULL
);
CREATE INDEX batch_topic_stats_hour ON batch_topic_stats (hour);

-- Loyal customers: at least this many orders over all loaded hours (change it with an UPDATE).
CREATE TABLE retail_settings (
  loyal_order_threshold INTEGER NOT NULL
);
INSERT INTO retail_settings VALUES (5);

CREATE VIEW gold_retail_customer_summary AS
SELECT c.customer_id,
       CAST(sum(c.spend_minor) AS BIGINT)   AS total_spend_minor,
       CAST(sum(c.orders) AS BIGINT)        AS orders,
       CAST(sum(c.cancellations) AS BIGINT) AS cancellations,
       CAST(sum(c.units) AS BIGINT)         AS units,
       min(c.first_purchase_at)             AS first_purchase_at,
       max(c.last_purchase_at)              AS last_purchase_at,
       CAST(count(*) AS BIGINT)             AS active_hours,
       sum(c.orders) >= max(s.loyal_order_threshold) AS loyal
FROM gold_retail_customer_hourly c CROSS JOIN retail_settings s
GROUP BY c.customer_id;

-- Staging: the same columns plus the run that wrote them. Rows live here only until their run swaps them in.
CREATE TABLE stg_gold_ticketing_show_hourly (run_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, show_id VARCHAR,
  venue VARCHAR, currency VARCHAR, show_name VARCHAR, city VARCHAR, bookings BIGINT, seats BIGINT,
  booked_amount_minor BIGINT, paid_bookings BIGINT, revenue_minor BIGINT, paid_share DOUBLE PRECISION);
CREATE TABLE stg_gold_boxoffice_theater_hourly (run_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, theater_id VARCHAR,
  moviegoers BIGINT, arrivals BIGINT, purchases BIGINT, tickets_sold BIGINT, left_without_buying BIGINT,
  avg_wait_seconds DOUBLE PRECISION, p90_wait_seconds DOUBLE PRECISION);
CREATE TABLE stg_gold_retail_sales_hourly (run_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, invoices BIGINT,
  lines BIGINT, units_sold BIGINT, sales_minor BIGINT, cancelled_invoices BIGINT, units_returned BIGINT,
  cancelled_minor BIGINT, net_sales_minor BIGINT, customers BIGINT);
CREATE TABLE stg_gold_retail_top_products_hourly (run_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, rank INTEGER,
  stock_code VARCHAR, description VARCHAR, units_sold BIGINT, revenue_minor BIGINT);
CREATE TABLE stg_gold_retail_customer_hourly (run_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, customer_id VARCHAR,
  orders BIGINT, cancellations BIGINT, units BIGINT, spend_minor BIGINT, first_purchase_at TIMESTAMP,
  last_purchase_at TIMESTAMP);
CREATE TABLE stg_gold_retail_cancellations_hourly (run_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL,
  stock_code VARCHAR, description VARCHAR, cancelled_invoices BIGINT, cancelled_lines BIGINT, units_returned BIGINT,
  refunded_minor BIGINT);
CREATE TABLE stg_gold_shop_product_hourly (run_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, product_id VARCHAR,
  currency VARCHAR, orders BIGINT, units BIGINT, revenue_minor BIGINT);
CREATE TABLE stg_batch_topic_stats (run_id VARCHAR NOT NULL, hour TIMESTAMP NOT NULL, topic VARCHAR,
  bronze_files BIGINT, bronze_rows BIGINT, quarantined_files BIGINT, quarantined_rows BIGINT, duplicates BIGINT,
  silver_rows BIGINT, control_total BIGINT);

-- One row per run of an hour: what it loaded, and whether it succeeded.
CREATE TABLE batch_runs (
  run_id              VARCHAR PRIMARY KEY,
  hour                TIMESTAMP NOT NULL,
  started_at          TIMESTAMP NOT NULL,
  finished_at         TIMESTAMP NOT NULL,
  runner              VARCHAR NOT NULL,
  status              VARCHAR NOT NULL,
  silver_rows         BIGINT NOT NULL,
  gold_rows           BIGINT NOT NULL,
  quarantined_files   BIGINT NOT NULL,
  quarantined_records BIGINT NOT NULL,
  message             VARCHAR
);

-- What each run quarantined: unreadable files (moved to LAKE/quarantine/bronze/...) and invalid records.
CREATE TABLE batch_quarantine (
  run_id   VARCHAR NOT NULL,
  hour     TIMESTAMP NOT NULL,
  kind     VARCHAR NOT NULL,
  topic    VARCHAR NOT NULL,
  path     VARCHAR NOT NULL,
  event_id VARCHAR,
  reason   VARCHAR NOT NULL
);
