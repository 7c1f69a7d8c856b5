-- A hand-made company for tests/e2e/ddledger.sh (times: epoch seconds UTC).
-- d1 won 2026-03-31, 100.00 USD: p1 touches t1 Email (2026-03-01 = 1772323200),
--    t2 Paid Search (2026-03-09 = 1773014400).
-- d2 won 2026-03-31, 10.00 USD: p2 touch t3 Paid Search (2026-03-09).
-- d3 lost 2026-03-31: p3 touch t4 Email (2026-03-01)     -> non-converting.
-- p4 has no deal: touch t5 Direct (2026-03-15 = 1773532800) -> non-converting.
INSERT INTO people(person_id, created_at) VALUES
  ('p1', 1772323200), ('p2', 1772323200), ('p3', 1772323200), ('p4', 1772323200);
INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel) VALUES
  ('t1', 'p1', 1772323200, 'email', 'Email'),
  ('t2', 'p1', 1773014400, 'ad_click', 'Paid Search'),
  ('t3', 'p2', 1773014400, 'ad_click', 'Paid Search'),
  ('t4', 'p3', 1772323200, 'email', 'Email'),
  ('t5', 'p4', 1773532800, 'visit', 'Direct');
INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at, close_date) VALUES
  ('d1', 100000000, 'USD', 1, 1, 1773964800, '2026-03-31'),
  ('d2', 10000000, 'USD', 1, 1, 1773964800, '2026-03-31'),
  ('d3', 50000000, 'USD', 0, 1, 1773964800, '2026-03-31');
INSERT INTO deal_people(deal_id, person_id, is_primary) VALUES
  ('d1', 'p1', 1), ('d2', 'p2', 1), ('d3', 'p3', 1);
