-- The first schema of entente, portable between SQLite and PostgreSQL.
--
-- The template helpers bool, autoid and timestamp stand for the few types the
-- engines spell differently; everything else is plain SQL both accept.
-- Conventions:
--   * keys are the codes and ids the dataset uses (TEXT), not surrogate ids;
--   * dates are TEXT in reduced-precision ISO 8601 ('2024', '2024-07',
--     '2024-07-09'), NULL when unknown, so a year stays a year;
--   * optional text is NOT NULL DEFAULT '' (the domain has no "null string"),
--     except optional references, which are NULL so the foreign key allows them;
--   * a record's sources are its ordered source ids, separated by spaces;
--   * ordered lists of references (members, areas, requesters, assents) are
--     child tables with a pos column, so the references get foreign keys.

CREATE TABLE sources (
	id        TEXT PRIMARY KEY,
	title     TEXT NOT NULL,
	url       TEXT NOT NULL DEFAULT '',
	document  TEXT NOT NULL DEFAULT '',
	publisher TEXT NOT NULL DEFAULT '',
	accessed  TEXT
);

CREATE TABLE countries (
	code        TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	region      TEXT NOT NULL,
	european    {{bool}} NOT NULL,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT ''
);

-- The membership rule is kept as columns; eligible_regions is a JSON array
-- because region names contain spaces ("North America").
CREATE TABLE alliances (
	code                     TEXT PRIMARY KEY,
	name                     TEXT NOT NULL,
	treaty                   TEXT NOT NULL,
	signed                   TEXT,
	in_force                 TEXT,
	headquarters             TEXT NOT NULL DEFAULT '',
	depositary               TEXT REFERENCES countries (code),
	eligible_regions         TEXT NOT NULL DEFAULT '[]',
	european_only            {{bool}} NOT NULL,
	unanimity                {{bool}} NOT NULL,
	withdrawal_after_years   INTEGER NOT NULL DEFAULT 0,
	withdrawal_notice_months INTEGER NOT NULL DEFAULT 0,
	accession_article        TEXT NOT NULL DEFAULT '',
	withdrawal_article       TEXT NOT NULL DEFAULT '',
	sources                  TEXT NOT NULL DEFAULT '',
	note                     TEXT NOT NULL DEFAULT '',
	unconfirmed              TEXT NOT NULL DEFAULT ''
);

CREATE TABLE articles (
	alliance    TEXT NOT NULL REFERENCES alliances (code),
	number      TEXT NOT NULL,
	title       TEXT NOT NULL,
	summary     TEXT NOT NULL,
	detail      TEXT NOT NULL DEFAULT '',
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (alliance, number)
);

CREATE TABLE memberships (
	alliance    TEXT NOT NULL REFERENCES alliances (code),
	country     TEXT NOT NULL REFERENCES countries (code),
	founding    {{bool}} NOT NULL,
	applied     TEXT,
	invited     TEXT,
	signed      TEXT,
	acceded     TEXT,
	notice      TEXT,
	withdrawn   TEXT,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (alliance, country)
);
CREATE INDEX memberships_country ON memberships (country);

-- A member's consent to an invitation or ratification of an accession
-- protocol, in the order the dataset lists them.
CREATE TABLE membership_assents (
	alliance    TEXT NOT NULL,
	country     TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('consent', 'ratification')),
	pos         INTEGER NOT NULL,
	by_country  TEXT NOT NULL REFERENCES countries (code),
	assent_date TEXT,
	PRIMARY KEY (alliance, country, kind, pos),
	FOREIGN KEY (alliance, country) REFERENCES memberships (alliance, country) ON DELETE CASCADE
);

CREATE TABLE frameworks (
	alliance    TEXT NOT NULL REFERENCES alliances (code),
	code        TEXT NOT NULL,
	name        TEXT NOT NULL,
	start_date  TEXT,
	end_date    TEXT,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (alliance, code)
);

CREATE TABLE partnerships (
	alliance    TEXT NOT NULL REFERENCES alliances (code),
	country     TEXT NOT NULL REFERENCES countries (code),
	framework   TEXT NOT NULL,
	start_date  TEXT,
	end_date    TEXT,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (alliance, country, framework),
	FOREIGN KEY (alliance, framework) REFERENCES frameworks (alliance, code)
);
CREATE INDEX partnerships_country ON partnerships (country);

CREATE TABLE groups (
	alliance    TEXT NOT NULL REFERENCES alliances (code),
	code        TEXT NOT NULL,
	name        TEXT NOT NULL,
	since       TEXT,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (alliance, code)
);

CREATE TABLE group_members (
	alliance TEXT NOT NULL,
	code     TEXT NOT NULL,
	pos      INTEGER NOT NULL,
	country  TEXT NOT NULL REFERENCES countries (code),
	PRIMARY KEY (alliance, code, pos),
	FOREIGN KEY (alliance, code) REFERENCES groups (alliance, code) ON DELETE CASCADE
);
CREATE INDEX group_members_country ON group_members (country);

CREATE TABLE areas (
	code        TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT ''
);

CREATE TABLE programmes (
	id             TEXT PRIMARY KEY,
	alliance       TEXT NOT NULL REFERENCES alliances (code),
	partner        TEXT NOT NULL REFERENCES countries (code),
	programme_type TEXT NOT NULL,
	title          TEXT NOT NULL,
	agreed         TEXT,
	start_date     TEXT,
	end_date       TEXT,
	status         TEXT NOT NULL,
	supersedes     TEXT REFERENCES programmes (id),
	sources        TEXT NOT NULL DEFAULT '',
	note           TEXT NOT NULL DEFAULT '',
	unconfirmed    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX programmes_partner ON programmes (partner);

CREATE TABLE programme_areas (
	programme TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
	pos       INTEGER NOT NULL,
	area      TEXT NOT NULL REFERENCES areas (code),
	PRIMARY KEY (programme, pos)
);

CREATE TABLE operations (
	code        TEXT PRIMARY KEY,
	alliance    TEXT NOT NULL REFERENCES alliances (code),
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	theatre     TEXT NOT NULL,
	start_date  TEXT,
	end_date    TEXT,
	mandate     TEXT NOT NULL DEFAULT '',
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT ''
);

-- operation is NULL when the source names only a theatre.
CREATE TABLE contributions (
	id          TEXT PRIMARY KEY,
	country     TEXT NOT NULL REFERENCES countries (code),
	operation   TEXT REFERENCES operations (code),
	theatre     TEXT NOT NULL,
	start_date  TEXT,
	end_date    TEXT,
	what        TEXT NOT NULL,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contributions_country ON contributions (country);
CREATE INDEX contributions_operation ON contributions (operation);

CREATE TABLE meetings (
	id          TEXT PRIMARY KEY,
	alliance    TEXT NOT NULL REFERENCES alliances (code),
	kind        TEXT NOT NULL,
	name        TEXT NOT NULL,
	city        TEXT NOT NULL,
	country     TEXT REFERENCES countries (code),
	start_date  TEXT,
	end_date    TEXT,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT ''
);

CREATE TABLE invitations (
	meeting     TEXT NOT NULL REFERENCES meetings (id),
	country     TEXT NOT NULL REFERENCES countries (code),
	level       TEXT NOT NULL,
	attended    TEXT NOT NULL,
	attendee    TEXT NOT NULL DEFAULT '',
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (meeting, country)
);
CREATE INDEX invitations_country ON invitations (country);

CREATE TABLE defence_events (
	id          TEXT PRIMARY KEY,
	alliance    TEXT NOT NULL REFERENCES alliances (code),
	article     TEXT NOT NULL,
	event_date  TEXT,
	summary     TEXT NOT NULL,
	outcome     TEXT NOT NULL DEFAULT '',
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT ''
);

CREATE TABLE defence_event_requesters (
	event_id TEXT NOT NULL REFERENCES defence_events (id) ON DELETE CASCADE,
	pos      INTEGER NOT NULL,
	country  TEXT NOT NULL REFERENCES countries (code),
	PRIMARY KEY (event_id, pos)
);
CREATE INDEX defence_event_requesters_country ON defence_event_requesters (country);

-- One row per change. before_json and after_json hold the record as JSON,
-- '' when there was none.
CREATE TABLE audit_events (
	id          {{autoid}},
	at          {{timestamp}} NOT NULL,
	actor       TEXT NOT NULL,
	action      TEXT NOT NULL,
	entity      TEXT NOT NULL,
	entity_key  TEXT NOT NULL,
	before_json TEXT NOT NULL DEFAULT '',
	after_json  TEXT NOT NULL DEFAULT ''
);
