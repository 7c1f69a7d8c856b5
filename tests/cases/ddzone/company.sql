-- A hand-made company for tests/e2e/ddzone.sh: markov and shapley around
-- the 2026Q1/2026Q2 boundary in three reporting zones. Times are epoch
-- seconds UTC; beside each, the instant in UTC, Pacific/Auckland (NZDT,
-- +13:00 until 5 April 2026) and America/Los_Angeles (PDT, -07:00).
-- Midnight starting 1 April 2026: Auckland 2026-03-31T11:00Z, UTC
-- 2026-04-01T00:00Z, Los Angeles 2026-04-01T07:00Z.
--
-- Deals (USD; every touch has its channel, so no taxonomy rule applies):
--   d1 won  close 2026-03-31  100.01  created 2026-03-01T00:00Z
--   d2 won  close 2026-04-01   50.00  created 2026-03-05T00:00Z
--   d3 won  close 2026-04-15   33.33  created 2026-03-31T12:00Z = AKL 1 Apr 01:00
--   d4 won  close 2026-04-10   20.00  created 2026-04-01T03:00Z = LA 31 Mar 20:00
--   d5 lost close 2026-03-31   70.00  created 2026-03-16T00:00Z
--   d6 open                    12.00  created 2026-03-20T00:00Z (no touch)
-- Touches (person, channel, campaign):
--   t11 p1 Email C1        1773133200 2026-03-10T09:00Z
--   t12 p1 Display C3      1774987200 2026-03-31T20:00Z = AKL 1 Apr 09:00, LA 31 Mar 13:00
--   t13 p1 Paid Search C2  1775012400 2026-04-01T03:00Z = AKL 1 Apr 16:00, LA 31 Mar 20:00
--   t21 p2 Paid Search C2  1774000800 2026-03-20T10:00Z
--   t22 p2 Events (none)   1775044800 2026-04-01T12:00Z = AKL 2 Apr 01:00, LA 1 Apr 05:00
--   t31 p3 Display C3      1774396800 2026-03-25T00:00Z
--   t32 p3 Email C1        1774956600 2026-03-31T11:30Z = AKL 1 Apr 00:30
--   t41 p4 Events (none)   1774656000 2026-03-28T00:00Z
--   t42 p4 Paid Search C4  1774998000 2026-03-31T23:00Z = AKL 1 Apr 12:00, LA 31 Mar 16:00
--   t51 p5 Email C1        1773532800 2026-03-15T00:00Z
--   t52 p5 Display C3      1774987200 2026-03-31T20:00Z (as t12)
--   t61 p6 Display C3      1774000800 2026-03-20T10:00Z
--   t62 p6 Events (none)   1774137600 2026-03-22T00:00Z
--   t71 p7 Paid Search C2  1773792000 2026-03-18T00:00Z
-- p6 and p7 have no deal. The rows are in person order (the order the
-- journeys of people without a deal take; see tests/e2e/ddzone_check.py).
INSERT INTO people(person_id, created_at) VALUES
  ('p1', 1772323200), ('p2', 1772323200), ('p3', 1772323200), ('p4', 1772323200),
  ('p5', 1772323200), ('p6', 1772323200), ('p7', 1772323200);
INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id) VALUES
  ('t11', 'p1', 1773133200, 'email', 'Email', 'C1'),
  ('t12', 'p1', 1774987200, 'ad_click', 'Display', 'C3'),
  ('t13', 'p1', 1775012400, 'ad_click', 'Paid Search', 'C2'),
  ('t21', 'p2', 1774000800, 'ad_click', 'Paid Search', 'C2'),
  ('t22', 'p2', 1775044800, 'event', 'Events', NULL),
  ('t31', 'p3', 1774396800, 'ad_click', 'Display', 'C3'),
  ('t32', 'p3', 1774956600, 'email', 'Email', 'C1'),
  ('t41', 'p4', 1774656000, 'event', 'Events', NULL),
  ('t42', 'p4', 1774998000, 'ad_click', 'Paid Search', 'C4'),
  ('t51', 'p5', 1773532800, 'email', 'Email', 'C1'),
  ('t52', 'p5', 1774987200, 'ad_click', 'Display', 'C3'),
  ('t61', 'p6', 1774000800, 'ad_click', 'Display', 'C3'),
  ('t62', 'p6', 1774137600, 'event', 'Events', NULL),
  ('t71', 'p7', 1773792000, 'ad_click', 'Paid Search', 'C2');
INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at, close_date) VALUES
  ('d1', 100010000, 'USD', 1, 1, 1772323200, '2026-03-31'),
  ('d2',  50000000, 'USD', 1, 1, 1772668800, '2026-04-01'),
  ('d3',  33330000, 'USD', 1, 1, 1774958400, '2026-04-15'),
  ('d4',  20000000, 'USD', 1, 1, 1775012400, '2026-04-10'),
  ('d5',  70000000, 'USD', 0, 1, 1773619200, '2026-03-31'),
  ('d6',  12000000, 'USD', 0, 0, 1773964800, NULL);
INSERT INTO deal_people(deal_id, person_id, is_primary) VALUES
  ('d1', 'p1', 1), ('d2', 'p2', 1), ('d3', 'p3', 1), ('d4', 'p4', 1), ('d5', 'p5', 1);
