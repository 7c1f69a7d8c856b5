-- Spend, campaign channels and won deals over tests/cases/retention/small.sql,
-- for the CLV sheet's CAC and LTV/CAC (tests/e2e/xlsx_cac.sh). Load small.sql
-- first. Times are epoch seconds (10:00 UTC); EUR's rate of 1.1 is moved to
-- start on 2025-01-01 (constant: no figure of small.sql changes) so that a
-- run reporting in EUR can convert d1 (2025-12-30); USD is 1 (the table's
-- base).
--
-- Won deals and their journeys (deal_people; lookback 90 days):
--   d1  a1 1200 USD close 2025-12-30  p1: t1 Paid Search c1 (2025-12-20)
--   d2  a2 2400 USD close 2026-01-20  p2: t2 Paid Search c1 (2026-01-10)
--   d3  a3  600 EUR close 2026-02-05  p3: t3 Email c2 (2026-01-20)
--   d4  a4 1000 USD close 2026-03-05  p4: t4 Email c2 (02-01), t4b Paid Social (03-01)
--   d4b a4  500 USD close 2026-05-15  p4: t4b only (t4 is 103 days before)
--   d6  a6  700 USD close 2026-04-10  p6: t6a Direct sales_activity (03-01),
--                                         t6 Paid Search c3 (03-20)
--   d5  a5 3600 USD close 2026-02-25  no people: unattributed (small.sql)
-- New customers (each account's first won deal): d1, d2, d3, d4, d6, d5;
-- d4b is a4's second. Under first_touch: Paid Search d1, d2 (2); Email d3,
-- d4 (2); Direct d6 (1: sales activity is a touch of the journey, though not
-- of the acquisition channel, which is a6's Paid Search); (unattributed) d5;
-- Paid Social d4b (0 new customers).
--
-- Spend (a spend row's channel is its campaign's channel), every period:
--   c1 Paid Search  2025-12-01 300.00 USD, 2026-02-10 500.00 USD,
--                   2026-05-05 400.00 USD
--   c3 Paid Search  2026-03-15 200.00 EUR = 220.00 USD
--   c2 Email        2026-01-05 150.00 EUR = 165.00 USD, 2026-04-02 90.00 USD
--   c9 Partner      2026-02-01 500.00 USD (no new customer credited: no CAC)
--   cx (not in campaigns: channel '(unknown)') 2026-03-01 70.00 USD
-- CAC: Paid Search 1420 / 2 = 710.00; Email 255 / 2 = 127.50.
UPDATE fx_rates SET start_date = '2025-01-01' WHERE currency = 'EUR';
INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES ('USD', '2000-01-01', NULL, 1);
UPDATE campaigns SET channel = 'Paid Search' WHERE campaign_id IN ('c1', 'c3');
UPDATE campaigns SET channel = 'Email' WHERE campaign_id = 'c2';
INSERT INTO campaigns(campaign_id, name, channel) VALUES ('c9', 'Partner program', 'Partner');
INSERT INTO deals(deal_id, account_id, amount_micros, currency, is_won, is_closed,
                  created_at, close_date, lead_source) VALUES
  ('d2', 'a2', 2400000000, 'USD', 1, 1, 1768212000, '2026-01-20', 'Paid Search'),
  ('d3', 'a3', 600000000, 'EUR', 1, 1, 1769335200, '2026-02-05', 'Email'),
  ('d4', 'a4', 1000000000, 'USD', 1, 1, 1771581600, '2026-03-05', 'Email'),
  ('d4b', 'a4', 500000000, 'USD', 1, 1, 1777629600, '2026-05-15', 'Email'),
  ('d6', 'a6', 700000000, 'USD', 1, 1, 1774432800, '2026-04-10', 'Paid Search');
INSERT INTO deal_people(deal_id, person_id, is_primary) VALUES
  ('d1', 'p1', 1), ('d2', 'p2', 1), ('d3', 'p3', 1), ('d4', 'p4', 1), ('d4b', 'p4', 1),
  ('d6', 'p6', 1);
INSERT INTO spend(date, source_system, campaign_id, cost_micros, currency) VALUES
  ('2025-12-01', 'ads', 'c1', 300000000, 'USD'),
  ('2026-02-10', 'ads', 'c1', 500000000, 'USD'),
  ('2026-05-05', 'ads', 'c1', 400000000, 'USD'),
  ('2026-03-15', 'ads', 'c3', 200000000, 'EUR'),
  ('2026-01-05', 'ads', 'c2', 150000000, 'EUR'),
  ('2026-04-02', 'ads', 'c2', 90000000, 'USD'),
  ('2026-02-01', 'ads', 'c9', 500000000, 'USD'),
  ('2026-03-01', 'ads', 'cx', 70000000, 'USD');
