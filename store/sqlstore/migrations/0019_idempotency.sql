-- Idempotency keys of API writes (entente.IdempotencyKey): one row per
-- principal and key, holding the request it is bound to and, once
-- answered, the answer. token names the attempt that holds the key;
-- committed is set in the transaction of that attempt's write, so a write
-- never commits without its key. Keys are not records: they are neither
-- exported nor imported, and rows past expires are purged.
CREATE TABLE idempotency_keys (
	principal TEXT NOT NULL,
	key       TEXT NOT NULL,
	method    TEXT NOT NULL,
	path      TEXT NOT NULL,
	body_hash TEXT NOT NULL,
	token     TEXT NOT NULL,
	committed {{bool}} NOT NULL DEFAULT FALSE,
	done      {{bool}} NOT NULL DEFAULT FALSE,
	status    INTEGER NOT NULL DEFAULT 0,
	header    TEXT NOT NULL DEFAULT '{}',
	body      TEXT NOT NULL DEFAULT '',
	created   {{timestamp}} NOT NULL,
	expires   {{timestamp}} NOT NULL,
	PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires);
