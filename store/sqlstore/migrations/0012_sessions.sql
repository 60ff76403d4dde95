-- Server-side sessions of signed-in browsers. The cookie holds a random
-- 256-bit secret; hash is its hex SHA-256, so the database never holds a
-- value that signs anyone in. Sessions are not records of the alliance:
-- they are neither exported nor imported, and go with their account.
CREATE TABLE sessions (
	id         {{autoid}},
	account    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	hash       TEXT NOT NULL UNIQUE,
	created    {{timestamp}} NOT NULL,
	last_seen  {{timestamp}} NOT NULL,
	address    TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account);
CREATE INDEX sessions_last_seen ON sessions (last_seen);

-- Keys the servers sharing this database sign with (the anonymous forms'
-- CSRF tokens), so a form one instance rendered is accepted by another.
-- Each is made once, at random, by the first server that needs it.
CREATE TABLE server_keys (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
