-- The booking fact table: one row per booking, kept current by the streaming join (upsert by booking_id).
CREATE TABLE bookings_fact (
  booking_id        VARCHAR PRIMARY KEY,
  booking_event_id  VARCHAR NOT NULL,
  user_id           VARCHAR NOT NULL,
  show_id           VARCHAR NOT NULL,
  show_name         VARCHAR NOT NULL,
  venue             VARCHAR NOT NULL,
  city              VARCHAR NOT NULL,
  seats             INTEGER NOT NULL,
  amount_minor      BIGINT NOT NULL,
  currency          VARCHAR NOT NULL,
  booked_at         TIMESTAMP NOT NULL,
  status            VARCHAR NOT NULL,
  attempts          INTEGER NOT NULL,
  payment_id        VARCHAR,
  payment_method    VARCHAR,
  paid_amount_minor BIGINT,
  paid_at           TIMESTAMP,
  payment_delay_ms  BIGINT
);
-- Payments that found no booking in time, or fell outside the payment window.
CREATE TABLE bookings_orphan_payments (
  payment_id   VARCHAR PRIMARY KEY,
  booking_id   VARCHAR NOT NULL,
  amount_minor BIGINT NOT NULL,
  status       VARCHAR NOT NULL,
  paid_at      TIMESTAMP NOT NULL,
  reason       VARCHAR NOT NULL
);
