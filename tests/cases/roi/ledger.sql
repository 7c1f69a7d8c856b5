-- ROI fixture, applied on top of tests/cases/funnel/basic.sql. Expected
-- figures and their derivation are in tests/unit/test_roi.c.
UPDATE deals SET account_id = 'a1' WHERE deal_id = 'd1';
UPDATE deals SET account_id = 'a3' WHERE deal_id = 'd3';

INSERT INTO campaigns (campaign_id, name, channel) VALUES ('c4', 'Display Test', 'Display');

INSERT INTO subscriptions (subscription_id, account_id, start_date, end_date, mrr_micros, currency) VALUES
  ('s1',  'a1', '2026-02-15', '2026-06-01', 100000000, 'USD'),
  ('s1b', 'a1', '2026-06-01', NULL,         150000000, 'USD'),
  ('s3',  'a3', '2026-03-10', NULL,          50000000, 'EUR');

INSERT INTO spend (date, source_system, campaign_id, cost_micros, currency) VALUES
  ('2026-01-10', 'google_ads', 'c1', 300000000, 'USD'),
  ('2026-02-10', 'google_ads', 'c1', 200000000, 'USD'),
  ('2026-01-15', 'mailer',     'c2', 100000000, 'EUR'),   -- 110 USD
  ('2026-02-01', 'linkedin',   'c3', 275000000, 'USD'),
  ('2026-03-01', 'dv360',      'c4',  50000000, 'USD'),
  ('2026-04-02', 'google_ads', 'c1', 100000000, 'USD');   -- 2026Q2

-- An older pipeline run (ignored: ROI uses the revenue event) and the
-- revenue run 2.
INSERT INTO runs (run_id, tool, version, parameters, input_hash, started_at, status) VALUES
  (1, 'allot-credit', 'test', 'event=pipeline', 'x', 0, 'ok'),
  (2, 'allot-credit', 'test', 'event=revenue', 'x', 0, 'ok');

INSERT INTO ledger (run_id, model, deal_id, touch_id, position, channel, campaign_id, weight, credit_minor, currency, rule, period) VALUES
  (1, 'first_touch', 'd1', 't1', 1, 'Paid Search', 'c1', 1.0, 999999, 'USD', 'FT', '2026Q1'),
  (2, 'first_touch', 'd1', 't1', 1, 'Paid Search', 'c1', 1.0, 100000, 'USD', 'FT', '2026Q1'),
  (2, 'first_touch', 'd3', 't7', 1, 'Paid Social', 'c3', 1.0,  50000, 'EUR', 'FT', '2026Q1'),
  (2, 'linear',      'd1', 't1', 1, 'Paid Search', 'c1', 0.5,  50000, 'USD', 'linear', '2026Q1'),
  (2, 'linear',      'd1', 'tx', 2, 'Email',       'c2', 0.5,  50000, 'USD', 'linear', '2026Q1'),
  (2, 'linear',      'd3', 't7', 1, 'Paid Social', 'c3', 1.0,  50000, 'EUR', 'linear', '2026Q1');
