-- Linked identifiers (issue 12, item 4): the Wikidata item id ("Q664") of a
-- country, an alliance, a partnership framework, an operation or a meeting,
-- where a source states it, and the ids of the sources that do (space
-- separated, like every record's sources). Empty when none is known. See
-- entente.Linked.
ALTER TABLE countries ADD COLUMN wikidata TEXT NOT NULL DEFAULT '';
ALTER TABLE countries ADD COLUMN wikidata_sources TEXT NOT NULL DEFAULT '';
ALTER TABLE alliances ADD COLUMN wikidata TEXT NOT NULL DEFAULT '';
ALTER TABLE alliances ADD COLUMN wikidata_sources TEXT NOT NULL DEFAULT '';
ALTER TABLE frameworks ADD COLUMN wikidata TEXT NOT NULL DEFAULT '';
ALTER TABLE frameworks ADD COLUMN wikidata_sources TEXT NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN wikidata TEXT NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN wikidata_sources TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN wikidata TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN wikidata_sources TEXT NOT NULL DEFAULT '';
