-- The retail OLTP store, kept current by RetailOltpPipeline (PostgreSQL). Every write is an upsert by key,
-- so a replay of the topic changes nothing. Amounts are in minor units (pence).
-- A customer: created by the pipeline from the first line that names it (created_by = 'invoice-line') unless
-- another system created it before. country is the country of the customer's earliest invoice.
CREATE TABLE customers (
  customer_id      VARCHAR PRIMARY KEY,
  country          VARCHAR NOT NULL,
  first_invoice_at TIMESTAMP NOT NULL,
  created_by       VARCHAR NOT NULL,
  created_at       TIMESTAMP NOT NULL
);
-- An invoice header, from its lines. customer_id is null for a guest. A cancellation (invoice_no C...) has its
-- lines in returns, any other invoice in invoice_lines.
CREATE TABLE invoices (
  invoice_no      VARCHAR PRIMARY KEY,
  customer_id     VARCHAR REFERENCES customers (customer_id),
  country         VARCHAR NOT NULL,
  invoice_date    TIMESTAMP NOT NULL,
  is_cancellation BOOLEAN NOT NULL
);
CREATE INDEX invoices_by_customer ON invoices (customer_id, invoice_date);
CREATE TABLE invoice_lines (
  invoice_no       VARCHAR NOT NULL REFERENCES invoices (invoice_no),
  line_no          INTEGER NOT NULL,
  event_id         VARCHAR NOT NULL,
  stock_code       VARCHAR NOT NULL,
  description      VARCHAR,
  quantity         INTEGER NOT NULL,
  unit_price_minor BIGINT NOT NULL,
  amount_minor     BIGINT NOT NULL,
  PRIMARY KEY (invoice_no, line_no)
);
-- Cancellation lines, with the quantity and the amount as positive numbers.
CREATE TABLE returns (
  invoice_no        VARCHAR NOT NULL REFERENCES invoices (invoice_no),
  line_no           INTEGER NOT NULL,
  event_id          VARCHAR NOT NULL,
  stock_code        VARCHAR NOT NULL,
  description       VARCHAR,
  returned_quantity INTEGER NOT NULL,
  unit_price_minor  BIGINT NOT NULL,
  refund_minor      BIGINT NOT NULL,
  PRIMARY KEY (invoice_no, line_no)
);
-- What a customer asks, 1: my orders and cancellations, one row per invoice with its totals.
CREATE VIEW customer_order_history AS
SELECT i.customer_id, i.invoice_no, i.invoice_date, i.country,
       CASE WHEN i.is_cancellation THEN 'CANCELLATION' ELSE 'ORDER' END AS kind,
       count(*) AS line_count, sum(l.quantity) AS item_count, sum(l.amount_minor) AS total_minor
FROM invoices i
JOIN (SELECT invoice_no, quantity, amount_minor FROM invoice_lines
      UNION ALL
      SELECT invoice_no, -returned_quantity, -refund_minor FROM returns) l ON l.invoice_no = i.invoice_no
WHERE i.customer_id IS NOT NULL
GROUP BY i.customer_id, i.invoice_no, i.invoice_date, i.country, i.is_cancellation;
-- 2: what I have spent to date: orders less refunds.
CREATE VIEW customer_total_spend AS
SELECT c.customer_id, c.country,
       count(h.invoice_no) FILTER (WHERE h.kind = 'ORDER') AS order_count,
       coalesce(sum(h.total_minor) FILTER (WHERE h.kind = 'ORDER'), 0) AS ordered_minor,
       coalesce(-sum(h.total_minor) FILTER (WHERE h.kind = 'CANCELLATION'), 0) AS refunded_minor,
       coalesce(sum(h.total_minor), 0) AS total_spend_minor,
       min(h.invoice_date) AS first_invoice_at, max(h.invoice_date) AS last_invoice_at
FROM customers c
LEFT JOIN customer_order_history h ON h.customer_id = c.customer_id
GROUP BY c.customer_id, c.country;
-- 3: the items I returned.
CREATE VIEW customer_returned_items AS
SELECT i.customer_id, r.invoice_no, r.line_no, i.invoice_date AS returned_at, r.stock_code, r.description,
       r.returned_quantity, r.unit_price_minor, r.refund_minor
FROM returns r
JOIN invoices i ON i.invoice_no = r.invoice_no
WHERE i.customer_id IS NOT NULL
