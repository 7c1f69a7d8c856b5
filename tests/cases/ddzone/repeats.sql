-- tests/e2e/ddzone.sh's fixture for higher orders, kept repeats and the
-- simplified Shapley value in a zone: repeated channels, and touches around
-- midnight starting 1 April 2026 (Auckland 2026-03-31T11:00Z, UTC
-- 2026-04-01T00:00Z, Los Angeles 2026-04-01T07:00Z). USD, explicit channels.
--   r1 won close 2026-03-31 40.00, a1: Email 03-10T09:00Z, Email 03-20T10:00Z,
--      Paid Search 03-31T20:00Z (Auckland: 1 April), Paid Search
--      04-01T03:00Z (Los Angeles: 31 March)
--      UTC E E P, Auckland E E, Los Angeles E E P P
--   r2 won close 2026-04-01 25.00, a2: Paid Search 03-18, Display 03-25,
--      Paid Search 03-28, Email 04-01T12:00Z (Auckland: 2 April)
--      UTC and Los Angeles P D P E, Auckland P D P
--   r3 lost close 2026-03-31, a3: Email 03-15, Email 03-31T20:00Z
--      UTC and Los Angeles E E, Auckland E
--   r4 won close 2026-03-31 10.00, a5: Display 03-25, Email 03-28
--   a4 no deal: Display 03-20T10:00Z, Display 03-22, Paid Search 03-28
INSERT INTO people(person_id, created_at) VALUES
  ('a1', 1772323200), ('a2', 1772323200), ('a3', 1772323200), ('a4', 1772323200),
  ('a5', 1772323200);
INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id) VALUES
  ('v11', 'a1', 1773133200, 'email', 'Email', 'C1'),
  ('v12', 'a1', 1774000800, 'email', 'Email', 'C5'),
  ('v13', 'a1', 1774987200, 'ad_click', 'Paid Search', 'C2'),
  ('v14', 'a1', 1775012400, 'ad_click', 'Paid Search', 'C2'),
  ('v21', 'a2', 1773792000, 'ad_click', 'Paid Search', 'C2'),
  ('v22', 'a2', 1774396800, 'ad_click', 'Display', 'C3'),
  ('v23', 'a2', 1774656000, 'ad_click', 'Paid Search', 'C4'),
  ('v24', 'a2', 1775044800, 'email', 'Email', 'C1'),
  ('v31', 'a3', 1773532800, 'email', 'Email', 'C1'),
  ('v32', 'a3', 1774987200, 'email', 'Email', 'C1'),
  ('v41', 'a4', 1774000800, 'ad_click', 'Display', 'C3'),
  ('v42', 'a4', 1774137600, 'ad_click', 'Display', 'C3'),
  ('v43', 'a4', 1774656000, 'ad_click', 'Paid Search', 'C2'),
  ('v51', 'a5', 1774396800, 'ad_click', 'Display', 'C3'),
  ('v52', 'a5', 1774656000, 'email', 'Email', 'C1');
INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at, close_date) VALUES
  ('r1', 40000000, 'USD', 1, 1, 1772323200, '2026-03-31'),
  ('r2', 25000000, 'USD', 1, 1, 1772323200, '2026-04-01'),
  ('r3', 30000000, 'USD', 0, 1, 1772323200, '2026-03-31'),
  ('r4', 10000000, 'USD', 1, 1, 1772323200, '2026-03-31');
INSERT INTO deal_people(deal_id, person_id, is_primary) VALUES
  ('r1', 'a1', 1), ('r2', 'a2', 1), ('r3', 'a3', 1), ('r4', 'a5', 1);
