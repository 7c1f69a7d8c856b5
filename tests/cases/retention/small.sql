-- A hand-made subscription company for tests/e2e/retention.sh (as of 2026-06-30).
-- Times are epoch seconds (10:00 UTC). EUR converts at 1.1 (constant currency).
--   a1 Paid Search  s1  2026-01-01 ..open        100 USD
--   a2 Paid Search  s2  2026-01-15 ..2026-03-15  200 USD  (churn)
--   a3 Email        s3a 2026-02-01 ..2026-05-01   50 EUR = 55 USD
--                   s3b 2026-05-01 ..open         80 EUR = 88 USD (expansion)
--   a4 Email        s4  2026-02-10 ..2026-05-10  100 USD  (churn); its later
--                   Paid Social touch (2026-03-01) is after the first start
--   a5 Partner      s5a 2026-03-01 ..2026-05-01  300 USD; no touches: the
--                   lead_source of its won deal d5 names the channel
--                   s5b 2026-05-01 ..open        250 USD (contraction)
--   a6 Paid Search  s6  2026-04-01 ..2026-06-01   60 USD  (churn); its earlier
--                   sales_activity touch (Direct) is not marketing
--   a7 only a zero-MRR row: not a customer
INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES ('EUR', '2026-01-01', NULL, 1.1);
INSERT INTO people(person_id, account_id, created_at, original_source) VALUES
  ('p1', 'a1', 1766224800, 'Web'), ('p2', 'a2', 1768039200, 'Web'),
  ('p3', 'a3', 1768903200, 'Newsletter'), ('p4', 'a4', 1769940000, NULL),
  ('p6', 'a6', 1772359200, 'Web');
INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id) VALUES
  ('t1', 'p1', 1766224800, 'ad_click', 'Paid Search', 'c1'),
  ('t2', 'p2', 1768039200, 'ad_click', 'Paid Search', 'c1'),
  ('t3', 'p3', 1768903200, 'email', 'Email', 'c2'),
  ('t4', 'p4', 1769940000, 'email', 'Email', 'c2'),
  ('t4b', 'p4', 1772359200, 'ad_click', 'Paid Social', NULL),
  ('t6a', 'p6', 1772359200, 'sales_activity', 'Direct', NULL),
  ('t6', 'p6', 1774000800, 'ad_click', 'Paid Search', 'c3');
INSERT INTO campaigns(campaign_id, name) VALUES
  ('c1', 'Brand Search'), ('c2', 'Newsletter'), ('c3', 'Competitor Search');
INSERT INTO deals(deal_id, account_id, amount_micros, currency, is_won, is_closed,
                  created_at, close_date, lead_source) VALUES
  ('d5', 'a5', 3600000000, 'USD', 1, 1, 1771581600, '2026-02-25', 'Partner'),
  ('d1', 'a1', 1200000000, 'USD', 1, 1, 1766224800, '2025-12-30', 'Paid Search');
INSERT INTO subscriptions(subscription_id, account_id, start_date, end_date, mrr_micros, currency) VALUES
  ('s1', 'a1', '2026-01-01', NULL, 100000000, 'USD'),
  ('s2', 'a2', '2026-01-15', '2026-03-15', 200000000, 'USD'),
  ('s3a', 'a3', '2026-02-01', '2026-05-01', 50000000, 'EUR'),
  ('s3b', 'a3', '2026-05-01', NULL, 80000000, 'EUR'),
  ('s4', 'a4', '2026-02-10', '2026-05-10', 100000000, 'USD'),
  ('s5a', 'a5', '2026-03-01', '2026-05-01', 300000000, 'USD'),
  ('s5b', 'a5', '2026-05-01', NULL, 250000000, 'USD'),
  ('s6', 'a6', '2026-04-01', '2026-06-01', 60000000, 'USD'),
  ('s7', 'a7', '2026-02-01', NULL, 0, 'USD');
