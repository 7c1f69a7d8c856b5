-- A hand-made company for the scoreboard tests (tests/unit/test_funnel.c).
-- Times are epoch seconds UTC; the date each stands for is in the comment.
-- The expected figures and their derivation are in test_funnel.c.
INSERT INTO campaigns (campaign_id, name, channel) VALUES
  ('c1', 'Search Brand', 'Paid Search'),
  ('c2', 'Newsletter', 'Email'),
  ('c3', 'LinkedIn', 'Paid Social');

INSERT INTO people (person_id, source_system, created_at, original_source) VALUES
  ('p1', 'canonical', 1767312000, 'Web'),       -- 2026-01-02
  ('p2', 'canonical', 1767312000, 'Web'),
  ('p3', 'canonical', 1767312000, 'Web'),
  ('p4', 'canonical', 1767312000, 'Web'),
  ('p5', 'canonical', 1767312000, 'Web'),
  ('p6', 'canonical', 1767312000, 'Outbound'),
  ('p7', 'hubspot',   1767312000, 'Web'),
  ('p8', 'canonical', 1767312000, NULL),
  ('p9', 'canonical', 1775088000, 'Web'),       -- 2026-04-02
  ('p10','canonical', 1775347200, 'Web');       -- 2026-04-05

INSERT INTO stage_history (entity_type, entity_id, stage, entered_at) VALUES
  ('person', 'p1', 'lead',      1767312000),    -- 01-02
  ('person', 'p1', 'mql',       1768035600),    -- 01-10 09:00
  ('person', 'p1', 'contacted', 1768046400),    -- 01-10 12:00  (+3 h)
  ('person', 'p1', 'sql',       1768176000),    -- 01-12
  ('person', 'p2', 'mql',       1768089600),    -- 01-11 00:00
  ('person', 'p2', 'contacted', 1768219200),    -- 01-12 12:00  (+36 h)
  ('person', 'p2', 'sql',       1768262400),    -- 01-13
  ('person', 'p3', 'mql',       1768435200),    -- 01-15, never followed up
  ('person', 'p4', 'mql',       1768867200),    -- 01-20 00:00
  ('person', 'p7', 'Marketing Qualified Lead', 1769904000),  -- 02-01 00:00 (hubspot alias)
  ('person', 'p7', 'SQL',       1769976000),    -- 02-01 20:00  (+20 h)
  ('person', 'p8', 'sql',       1770249600),    -- 02-05, skipped MQL
  ('person', 'p9', 'mql',       1775174400);    -- 04-03, never followed up

INSERT INTO touches (touch_id, person_id, anonymous_id, occurred_at, touch_type, channel, campaign_id) VALUES
  ('t1', 'p1', NULL, 1767571200, 'ad_click', 'Paid Search', 'c1'),    -- 01-05
  ('t2', 'p2', NULL, 1769731200, 'email', 'Email', 'c2'),             -- 01-30 (after d2 was created)
  ('t3', 'p3', NULL, 1767657600, 'ad_click', NULL, 'c1'),             -- 01-06, channel from c1
  ('t4', 'p4', NULL, 1768694400, 'visit', 'Organic Search', NULL),    -- 01-18
  ('t5', 'p4', NULL, 1768903200, 'sales_activity', NULL, NULL),       -- 01-20 10:00 (+10 h)
  ('t6', 'p5', NULL, 1767657600, 'email', 'Email', 'c2'),             -- 01-06
  ('t7', 'p7', NULL, 1769558400, 'ad_click', 'Paid Social', 'c3'),    -- 01-28
  ('t8', NULL, 'anon1', 1767571200, 'visit', 'Direct', NULL);

INSERT INTO deals (deal_id, amount_micros, currency, is_closed, is_won, created_at, close_date, lead_source) VALUES
  ('d1', 1000000000, 'USD', 1, 1, 1768867200, '2026-02-15', 'Web'),      -- created 01-20
  ('d2', 3000000000, 'USD', 1, 0, 1769299200, '2026-03-01', 'Outbound'), -- created 01-25, lost
  ('d3',  500000000, 'EUR', 1, 1, 1770681600, '2026-03-10', NULL),       -- created 02-10
  ('d4', 2000000000, 'USD', 0, 0, 1772323200, NULL, 'Webinar'),          -- created 03-01, open
  ('d5', NULL,       'USD', 1, 1, 1769904000, '2026-02-20', 'Outbound'); -- created 02-01, no amount

INSERT INTO deal_people (deal_id, person_id, is_primary) VALUES
  ('d1', 'p1', 1), ('d2', 'p2', 1), ('d3', 'p7', 1);

INSERT INTO fx_rates (currency, start_date, end_date, rate) VALUES
  ('EUR', '2025-01-01', '2026-01-01', 1.05),
  ('EUR', '2026-01-01', NULL, 1.1);
