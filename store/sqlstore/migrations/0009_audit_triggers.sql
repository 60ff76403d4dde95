-- The audit log is append-only (issue 9): no code path updates or deletes
-- an event, and the database refuses it too, to whoever asks. The chain's
-- head only moves forward and is never removed. Only someone who can drop
-- these triggers can change the log, and `entente audit verify` then finds
-- the broken link.
{{if eq engine "SQLite"}}
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only: UPDATE of audit_events refused');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only: DELETE from audit_events refused');
END;
CREATE TRIGGER audit_chain_forward BEFORE UPDATE ON audit_chain
	WHEN NEW.id <> OLD.id OR NEW.last_id <= OLD.last_id
BEGIN
	SELECT RAISE(ABORT, 'the audit chain''s head only moves forward: UPDATE of audit_chain refused');
END;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN
	SELECT RAISE(ABORT, 'the audit chain''s head is never removed: DELETE from audit_chain refused');
END;
{{else}}
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit events are append-only: % of % refused', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE OR REPLACE FUNCTION audit_chain_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.id = OLD.id AND NEW.last_id > OLD.last_id THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'the audit chain''s head only moves forward: % of % refused', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_chain_forward BEFORE UPDATE ON audit_chain
	FOR EACH ROW EXECUTE FUNCTION audit_chain_forward();
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
{{end}}
