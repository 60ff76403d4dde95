-- Accounts sign in with a role; API tokens act for an account within their
-- scopes. Neither is a record of the alliance: they are not exported, and
-- a store holding only accounts is still empty for an import.
--
-- password_hash is a PHC string (argon2id, salt and parameters included);
-- a token's hash is the hex SHA-256 of its secret, which is never stored.
-- partner is a liaison's (or a bound token's) ISO3 code, '' for none; the
-- service checks that the country exists, as countries are records that an
-- import may bring after the accounts.
CREATE TABLE accounts (
	id            {{autoid}},
	name          TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL,
	partner       TEXT NOT NULL DEFAULT '',
	disabled      {{bool}} NOT NULL,
	password_hash TEXT NOT NULL,
	created       {{timestamp}} NOT NULL
);

CREATE TABLE api_tokens (
	id        {{autoid}},
	account   BIGINT NOT NULL REFERENCES accounts (id),
	hash      TEXT NOT NULL UNIQUE,
	scopes    TEXT NOT NULL,
	partner   TEXT NOT NULL DEFAULT '',
	created   {{timestamp}} NOT NULL,
	expires   {{timestamp}},
	last_used {{timestamp}},
	revoked   {{timestamp}}
);
CREATE INDEX api_tokens_account ON api_tokens (account);
