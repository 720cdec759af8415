-- Schema v3: template packs, packet lifecycle, warning explanations.
--
-- * packets.template_version: the version of the template pack the packet was filled on (a later pack version
--   never silently re-shapes an old packet); packets.catalogue: the pack's indicator catalogue (标准 / 成本指标单列).
-- * fields_json on every list-item table: the columns a template pack declares beyond the fixed ones
--   (指标性质, 度量单位, 得分系数, 财政专户管理资金 …), keyed by column key, each value stored as typed.  A new
--   column in a pack needs no migration.
-- * packets.deleted_at: a packet moved to the 回收站 (NULL = live).
-- * packets.explanations_json: the clerk's 合理性说明 of warnings, keyed by the warning's code@field.

ALTER TABLE packets ADD COLUMN template_version TEXT NOT NULL DEFAULT '';
ALTER TABLE packets ADD COLUMN catalogue TEXT NOT NULL DEFAULT '';
ALTER TABLE packets ADD COLUMN deleted_at TEXT;
ALTER TABLE packets ADD COLUMN explanations_json TEXT NOT NULL DEFAULT '{}';

ALTER TABLE project_lines ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sub_lines ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE buildings ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE project_funds ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE targets ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE indicators ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE report_sections ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
