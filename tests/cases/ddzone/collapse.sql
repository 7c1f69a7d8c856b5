-- tests/e2e/ddzone.sh's bootstrap fixture: three deals won on 2026-03-31
-- (USD 10.00 each), each person touched by Email on 2026-03-10T09:00Z and
-- by Paid Search at 2026-03-31T20:00Z (1 April 09:00 in Auckland, after
-- the close date's last second there; 31 March 13:00 in Los Angeles), and
-- nobody else. In UTC every journey is Email > Paid Search and converts,
-- in Auckland every journey is Email alone: every bootstrap replicate
-- draws three copies of the same converting journey and refits the same
-- model, so the interval is the point estimate.
INSERT INTO people(person_id, created_at) VALUES
  ('q1', 1772323200), ('q2', 1772323200), ('q3', 1772323200);
INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id) VALUES
  ('u11', 'q1', 1773133200, 'email', 'Email', 'C1'),
  ('u12', 'q1', 1774987200, 'ad_click', 'Paid Search', 'C2'),
  ('u21', 'q2', 1773133200, 'email', 'Email', 'C1'),
  ('u22', 'q2', 1774987200, 'ad_click', 'Paid Search', 'C2'),
  ('u31', 'q3', 1773133200, 'email', 'Email', 'C1'),
  ('u32', 'q3', 1774987200, 'ad_click', 'Paid Search', 'C2');
INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at, close_date) VALUES
  ('e1', 10000000, 'USD', 1, 1, 1772323200, '2026-03-31'),
  ('e2', 10000000, 'USD', 1, 1, 1772323200, '2026-03-31'),
  ('e3', 10000000, 'USD', 1, 1, 1772323200, '2026-03-31');
INSERT INTO deal_people(deal_id, person_id, is_primary) VALUES
  ('e1', 'q1', 1), ('e2', 'q2', 1), ('e3', 'q3', 1);
