-- An SQLite workload for bench/real_programs.sh: bulk insert, index builds
-- sorted by worker threads (PRAGMA threads), joins, aggregates, updates and a
-- VACUUM, in a fresh database file.
PRAGMA journal_mode = WAL;
PRAGMA threads = 2;
PRAGMA cache_size = -65536;
CREATE TABLE items(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, value REAL);
CREATE TABLE groups(grp INTEGER PRIMARY KEY, label TEXT);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000)
INSERT INTO items(grp, name, value)
  SELECT abs(random()) % 1000, hex(randomblob(8)), (i * 7919) % 10007 / 3.0 FROM n;
WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < 999)
INSERT INTO groups SELECT i, 'group ' || i FROM g;
COMMIT;
CREATE INDEX items_name ON items(name);
CREATE INDEX items_grp_value ON items(grp, value);
SELECT count(*), sum(value) > 0 FROM items;
SELECT g.label, count(*), round(avg(i.value), 2) FROM items i JOIN groups g USING (grp)
  GROUP BY g.label ORDER BY count(*) DESC LIMIT 3;
SELECT count(DISTINCT substr(name, 1, 3)) FROM items;
UPDATE items SET value = value * 2 WHERE grp % 7 = 0;
DELETE FROM items WHERE grp % 11 = 0;
SELECT count(*) FROM items WHERE value > 1000;
VACUUM;
PRAGMA integrity_check;
