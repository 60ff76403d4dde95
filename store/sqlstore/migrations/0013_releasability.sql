-- Releasability (issue 9): who may read each record. PUBLIC, ALLIANCE, or
-- RELEASABLE_TO followed by the ISO3 codes of the partners it is released
-- to ("RELEASABLE_TO AUS NZL"), as entente.Releasability.String writes it.
-- Every record that carries provenance carries a marking; the records that
-- were there before are public.
ALTER TABLE countries ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE alliances ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE articles ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE memberships ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE frameworks ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE partnerships ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE groups ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE areas ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE programmes ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE operations ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE contributions ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE meetings ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE invitations ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE defence_events ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE objectives ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE goals ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE offers ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE activities ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
ALTER TABLE reviews ADD COLUMN releasability TEXT NOT NULL DEFAULT 'PUBLIC';
