-- A partnership may be suspended without being ended: the day cooperation
-- under it was suspended and, if it resumed, the day it did (reduced-precision
-- ISO 8601 like every date, NULL when there is none). See
-- entente.Partnership.Suspended and entente.PartnershipStatusOn.
ALTER TABLE partnerships ADD COLUMN suspended_from TEXT;
ALTER TABLE partnerships ADD COLUMN suspended_to TEXT;
