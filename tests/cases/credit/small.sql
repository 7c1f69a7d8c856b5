-- A hand-made company for tests/e2e/credit.sh (times are epoch seconds).
-- Deal d1 (won 2026-03-31, 100.00 USD, created 2026-03-20 00:00 = 1773964800)
--   people p1 (created 2026-03-10 00:00 = 1773100800) and p2 (no created_at).
--   journey: t1 Paid Search 2026-03-01 (1772323200)  FT
--            t2 Email       2026-03-09 (1773014400)  LC: last at/before p1's lead time
--            t3 Direct      2026-03-15 (1773532800)  OC: last at/before created
--            t4 Events      2026-03-25 (1774396800)  CW (last touch)
-- Deal d2 (won 2026-03-31, NULL amount): person p1 -> t1..t3 (t4 is p2's).
-- Deal d3 (won 2026-04-02, 5.00 USD): no people -> unattributed, period 2026Q2.
-- Deal d4 (won 2026-04-10, 30.00 EUR, created 2026-04-01): person p3, one touch
--   t5 Paid Social 2026-04-05 (1775347200); EUR->USD 1.1 from 2026-01-01 ->
--   33.00 USD.
-- Deal d5 (lost) and d6 (open) never convert in the revenue view.
-- t6 of p1 is after every close date (2026-05-01): never credited.
-- t0 of p1 is 2025-11-01, more than 90 days before 2026-03-31: outside.
INSERT INTO people(person_id, created_at, account_id) VALUES
  ('p1', 1773100800, 'a1'), ('p2', NULL, 'a1'), ('p3', 1772323200, 'a2');
INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id) VALUES
  ('t0', 'p1', 1761955200, 'visit', 'Organic Search', NULL),
  ('t1', 'p1', 1772323200, 'ad_click', 'Paid Search', 'c1'),
  ('t2', 'p1', 1773014400, 'email', 'Email', 'c2'),
  ('t3', 'p1', 1773532800, 'visit', 'Direct', NULL),
  ('t4', 'p2', 1774396800, 'event', 'Events', 'c3'),
  ('t5', 'p3', 1775347200, 'ad_click', 'Paid Social', 'c4'),
  ('t6', 'p1', 1777593600, 'visit', 'Direct', NULL);
INSERT INTO deals(deal_id, account_id, amount_micros, currency, is_won, is_closed,
                  created_at, close_date) VALUES
  ('d1', 'a1', 100000000, 'USD', 1, 1, 1773964800, '2026-03-31'),
  ('d2', 'a1', NULL, NULL, 1, 1, 1773964800, '2026-03-31'),
  ('d3', 'a9', 5000000, 'USD', 1, 1, 1773964800, '2026-04-02'),
  ('d4', 'a2', 30000000, 'EUR', 1, 1, 1775001600, '2026-04-10'),
  ('d5', 'a2', 70000000, 'USD', 0, 1, 1775001600, '2026-04-20'),
  ('d6', 'a2', 80000000, 'USD', 0, 0, 1775001600, NULL);
INSERT INTO deal_people(deal_id, person_id, is_primary) VALUES
  ('d1', 'p1', 1), ('d1', 'p2', 0), ('d2', 'p1', 1), ('d4', 'p3', 1), ('d5', 'p3', 1),
  ('d6', 'p3', 1);
INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES ('EUR', '2026-01-01', NULL, 1.1);
