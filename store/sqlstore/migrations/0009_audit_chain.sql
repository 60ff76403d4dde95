-- The audit log becomes a hash chain (issue 9). Each event records the
-- network address of the principal who made the change, the hash of the
-- event before it and its own hash (entente.AuditEvent.ComputeHash).
-- audit_chain holds the newest event's id and hash: appends lock its one
-- row, so that concurrent writers append one after another, and verifying
-- compares it with the newest event, so that events removed from the end
-- are missed too. Events stored before this step are hashed by the Go step
-- that follows it (sealAuditEvents), before 0009_audit_triggers makes the
-- table append-only.
ALTER TABLE audit_events ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_events_record ON audit_events (entity, entity_key, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);

CREATE TABLE audit_chain (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	last_id   BIGINT NOT NULL,
	last_hash TEXT NOT NULL
);
INSERT INTO audit_chain (id, last_id, last_hash) VALUES (1, 0, '{{zerohash}}');
