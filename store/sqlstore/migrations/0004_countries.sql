-- Countries carry their UN M49 sub-region and intermediate region, and a
-- European reading (Article 10's "European state") of yes, no or debated
-- with its own sources and note, in place of the old yes/no flag.
-- Alliances name their eligibility criterion ("region" or "european") and
-- the clause verdicts cite, in place of the old european_only flag.
--
-- The old columns stay, written as derived values (european: the reading is
-- yes; european_only: eligibility is european): on SQLite, DROP COLUMN opens
-- the connection's temporary schema, after which the bulk path's
-- PRAGMA temp_store fails inside its transaction on that connection.
ALTER TABLE countries ADD COLUMN subregion TEXT NOT NULL DEFAULT '';
ALTER TABLE countries ADD COLUMN intermediate_region TEXT NOT NULL DEFAULT '';
ALTER TABLE countries ADD COLUMN european_reading TEXT NOT NULL DEFAULT '';
ALTER TABLE countries ADD COLUMN european_sources TEXT NOT NULL DEFAULT '';
ALTER TABLE countries ADD COLUMN european_note TEXT NOT NULL DEFAULT '';
UPDATE countries SET european_reading = CASE WHEN european THEN 'yes' ELSE 'no' END;

ALTER TABLE alliances ADD COLUMN eligibility TEXT NOT NULL DEFAULT '';
ALTER TABLE alliances ADD COLUMN eligibility_clause TEXT NOT NULL DEFAULT '';
UPDATE alliances SET eligibility = 'european' WHERE european_only;
