-- The hourly batch stages an hour's rows as CSV files in the lake (LAKE/staging/dt=.../hour=.../run-RUN/TABLE.csv)
-- and loads them straight into the gold tables in the transaction that replaces the hour (COPY on PostgreSQL,
-- read_csv on DuckDB), so every row is written into the warehouse once. The staging tables of V200 go.
DROP TABLE IF EXISTS stg_gold_ticketing_show_hourly;
DROP TABLE IF EXISTS stg_gold_boxoffice_theater_hourly;
DROP TABLE IF EXISTS stg_gold_retail_sales_hourly;
DROP TABLE IF EXISTS stg_gold_retail_top_products_hourly;
DROP TABLE IF EXISTS stg_gold_retail_customer_hourly;
DROP TABLE IF EXISTS stg_gold_retail_cancellations_hourly;
DROP TABLE IF EXISTS stg_gold_shop_product_hourly;
DROP TABLE IF EXISTS stg_batch_topic_stats;
