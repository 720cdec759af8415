-- Schema v2: a packet's review status, and the indicator library (三级 indicators reusable next year).

ALTER TABLE packets ADD COLUMN status TEXT NOT NULL DEFAULT '草稿';

CREATE TABLE indicator_library (
    id INTEGER PRIMARY KEY,
    level1 TEXT NOT NULL,
    level2 TEXT NOT NULL,
    name TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    weight TEXT,
    weight_type TEXT,
    last_year INTEGER,
    UNIQUE (level1, level2, name)
);

-- Fill the library from the indicators already stored (a v1 database): the latest year's wording wins, but a
-- blank 年度指标值/分值 (a carried-over packet not yet filled in) does not wipe out an earlier one.
INSERT INTO indicator_library (level1, level2, name, target, weight, weight_type, last_year)
SELECT i.level1, i.level2, i.name, i.target, i.weight, i.weight_type, p.year
FROM indicators AS i JOIN packets AS p ON p.id = i.packet_id
WHERE i.name <> ''
ORDER BY p.year, i.id
ON CONFLICT (level1, level2, name) DO UPDATE SET
    target = CASE WHEN excluded.target <> '' THEN excluded.target ELSE indicator_library.target END,
    weight = coalesce(excluded.weight, indicator_library.weight),
    weight_type = CASE WHEN excluded.weight IS NULL THEN indicator_library.weight_type ELSE excluded.weight_type END,
    last_year = excluded.last_year;
