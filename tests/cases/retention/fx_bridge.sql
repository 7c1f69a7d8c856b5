-- A hand-made company for tests/e2e/fx_bridge.sh: one EUR account whose
-- rate changes between two quarters (USD reporting; the table is in USD).
--   EUR 1.10 in 2026Q1 (from 2026-01-01), 1.20 from 2026-04-01.
--   e1 EUR  s1  2026-01-01 ..2026-05-01  999.99 EUR  (new in Q1)
--           s1b 2026-05-01 ..open       1099.99 EUR  (expansion in Q2)
--   e2 EUR  s2  2026-01-10 ..2026-06-01  300.00 EUR  (new in Q1, churn in Q2)
--   u1 USD  s3  2026-02-01 ..open        500.00 USD
--   u2 USD  s4  2026-04-15 ..open        200.00 USD  (new in Q2)
-- One touch on 2026-06-30 12:00 UTC makes the data's end 2026-06-30.
INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES
  ('EUR', '2026-01-01', '2026-04-01', 1.1),
  ('EUR', '2026-04-01', NULL, 1.2);
INSERT INTO people(person_id, account_id, created_at, original_source) VALUES
  ('p1', 'u1', 1767607200, 'Web');
INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id) VALUES
  ('t1', 'p1', 1767607200, 'ad_click', 'Paid Search', NULL),
  ('t2', 'p1', 1782820800, 'ad_click', 'Paid Search', NULL);
INSERT INTO subscriptions(subscription_id, account_id, start_date, end_date, mrr_micros, currency) VALUES
  ('s1', 'e1', '2026-01-01', '2026-05-01', 999990000, 'EUR'),
  ('s1b', 'e1', '2026-05-01', NULL, 1099990000, 'EUR'),
  ('s2', 'e2', '2026-01-10', '2026-06-01', 300000000, 'EUR'),
  ('s3', 'u1', '2026-02-01', NULL, 500000000, 'USD'),
  ('s4', 'u2', '2026-04-15', NULL, 200000000, 'USD');
