-- Schema v1: units, packets and every part of a packet as rows.
-- A Raw cell (what the clerk typed: text, an integer, a float or nothing) is two columns:
-- <name> TEXT holds the exact text (repr for a float) and <name>_type is 'text' | 'int' | 'float',
-- NULL when the cell is empty.  No REAL columns: money is never rounded by the database.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    preparer TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    head TEXT NOT NULL DEFAULT ''
);

CREATE TABLE packets (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
    year INTEGER NOT NULL,
    template TEXT NOT NULL DEFAULT 'standard',
    unit_preparer TEXT NOT NULL DEFAULT '',
    unit_phone TEXT NOT NULL DEFAULT '',
    unit_head TEXT NOT NULL DEFAULT '',
    unit_date TEXT NOT NULL DEFAULT '',
    scoring_kind TEXT NOT NULL DEFAULT 'proportional',
    scoring_k TEXT,
    scoring_k_type TEXT,
    notes TEXT NOT NULL DEFAULT '',
    extra_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, year)
);

CREATE TABLE scoring_bands (
    id INTEGER PRIMARY KEY,
    packet_id INTEGER NOT NULL REFERENCES packets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    min TEXT,
    min_type TEXT,
    ratio TEXT,
    ratio_type TEXT
);
CREATE INDEX ix_scoring_bands_packet ON scoring_bands (packet_id, position);

-- Fixed-shape cells of 附件1/附件2 keyed by field path (basic.funds.three_public.prior, self_eval.executed…).
CREATE TABLE entries (
    packet_id INTEGER NOT NULL REFERENCES packets(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    value TEXT,
    value_type TEXT,
    PRIMARY KEY (packet_id, path)
);

CREATE TABLE project_lines (
    id INTEGER PRIMARY KEY,
    packet_id INTEGER NOT NULL REFERENCES packets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'special',
    prior TEXT,
    prior_type TEXT,
    budget TEXT,
    budget_type TEXT,
    actual TEXT,
    actual_type TEXT
);
CREATE INDEX ix_project_lines_packet ON project_lines (packet_id, position);

CREATE TABLE sub_lines (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL REFERENCES project_lines(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    prior TEXT,
    prior_type TEXT,
    budget TEXT,
    budget_type TEXT,
    actual TEXT,
    actual_type TEXT
);
CREATE INDEX ix_sub_lines_line ON sub_lines (line_id, position);

CREATE TABLE buildings (
    id INTEGER PRIMARY KEY,
    packet_id INTEGER NOT NULL REFERENCES packets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    completed_year TEXT,
    completed_year_type TEXT,
    approved_area TEXT,
    approved_area_type TEXT,
    actual_area TEXT,
    actual_area_type TEXT,
    budget_investment TEXT,
    budget_investment_type TEXT,
    actual_investment TEXT,
    actual_investment_type TEXT,
    area_control_rate TEXT,
    area_control_rate_type TEXT,
    investment_control_rate TEXT,
    investment_control_rate_type TEXT
);
CREATE INDEX ix_buildings_packet ON buildings (packet_id, position);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    packet_id INTEGER NOT NULL REFERENCES packets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    supervisor TEXT NOT NULL DEFAULT '',
    implementer TEXT NOT NULL DEFAULT '',
    weight TEXT,
    weight_type TEXT,
    execution_rate TEXT,
    execution_rate_type TEXT,
    score TEXT,
    score_type TEXT,
    total_score TEXT,
    total_score_type TEXT
);
CREATE INDEX ix_projects_packet ON projects (packet_id, position);

CREATE TABLE project_funds (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    row_key TEXT NOT NULL,
    initial TEXT,
    initial_type TEXT,
    full_year TEXT,
    full_year_type TEXT,
    executed TEXT,
    executed_type TEXT,
    UNIQUE (project_id, row_key)
);

-- 年度总体目标 rows: of 附件2 when project_id is NULL, else of that project's 附件3.
CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    packet_id INTEGER NOT NULL REFERENCES packets(id) ON DELETE CASCADE,
    project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    expected TEXT NOT NULL DEFAULT '',
    actual TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_targets_owner ON targets (packet_id, project_id, position);

-- 三级 indicator rows: of 附件2 when project_id is NULL, else of that project's 附件3.
CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    packet_id INTEGER NOT NULL REFERENCES packets(id) ON DELETE CASCADE,
    project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    level1 TEXT NOT NULL DEFAULT '',
    level1_weight TEXT,
    level1_weight_type TEXT,
    level2 TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    actual TEXT NOT NULL DEFAULT '',
    weight TEXT,
    weight_type TEXT,
    score TEXT,
    score_type TEXT,
    deviation TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_indicators_owner ON indicators (packet_id, project_id, position);

CREATE TABLE report_sections (
    id INTEGER PRIMARY KEY,
    packet_id INTEGER NOT NULL REFERENCES packets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_report_sections_packet ON report_sections (packet_id, position);
