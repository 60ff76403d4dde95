-- Programme structure (objectives, goals, indicators), the cooperation menu,
-- activities and reviews. Conventions as in 0001_init.sql, with two
-- deliberate exceptions on activities, the table that grows to millions of
-- rows: its invitees are a space-separated list of country codes and its
-- registrations a JSON array, so that writing an activity is one row, not
-- three tables' worth; the workflow rules check invitees against the
-- alliance's members and partners before anything is written.

CREATE TABLE objectives (
	programme   TEXT NOT NULL REFERENCES programmes (id),
	code        TEXT NOT NULL,
	area        TEXT NOT NULL REFERENCES areas (code),
	title       TEXT NOT NULL,
	synthetic   {{bool}} NOT NULL,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (programme, code)
);

CREATE TABLE goals (
	programme    TEXT NOT NULL,
	code         TEXT NOT NULL,
	objective    TEXT NOT NULL,
	title        TEXT NOT NULL,
	carried_from TEXT NOT NULL DEFAULT '',
	synthetic    {{bool}} NOT NULL,
	sources      TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	unconfirmed  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (programme, code),
	FOREIGN KEY (programme, objective) REFERENCES objectives (programme, code)
);

-- DOUBLE PRECISION is a float64 on both engines (SQLite gives it REAL
-- affinity; PostgreSQL's REAL would be a float32).
CREATE TABLE indicators (
	programme     TEXT NOT NULL,
	goal          TEXT NOT NULL,
	pos           INTEGER NOT NULL,
	name          TEXT NOT NULL,
	unit          TEXT NOT NULL DEFAULT '',
	baseline      DOUBLE PRECISION NOT NULL,
	target        DOUBLE PRECISION NOT NULL,
	current_value DOUBLE PRECISION NOT NULL,
	due           TEXT,
	PRIMARY KEY (programme, goal, pos),
	FOREIGN KEY (programme, goal) REFERENCES goals (programme, code) ON DELETE CASCADE
);

CREATE TABLE offers (
	code        TEXT PRIMARY KEY,
	title       TEXT NOT NULL,
	area        TEXT REFERENCES areas (code),
	kind        TEXT NOT NULL,
	provider    TEXT NOT NULL,
	capacity    INTEGER NOT NULL DEFAULT 0,
	location    TEXT NOT NULL DEFAULT '',
	start_date  TEXT,
	end_date    TEXT,
	recurrence  TEXT NOT NULL DEFAULT '',
	synthetic   {{bool}} NOT NULL,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT ''
);

CREATE TABLE activities (
	id                  TEXT PRIMARY KEY,
	programme           TEXT NOT NULL REFERENCES programmes (id),
	goal                TEXT,
	offer               TEXT REFERENCES offers (code),
	title               TEXT NOT NULL,
	kind                TEXT NOT NULL,
	proposer            TEXT NOT NULL DEFAULT '',
	location            TEXT NOT NULL DEFAULT '',
	start_date          TEXT,
	end_date            TEXT,
	capacity            INTEGER NOT NULL DEFAULT 0,
	status              TEXT NOT NULL,
	invited             TEXT NOT NULL DEFAULT '',
	registrations       TEXT NOT NULL DEFAULT '[]',
	outcome             TEXT NOT NULL DEFAULT '',
	participants        INTEGER NOT NULL DEFAULT 0,
	feedback            TEXT NOT NULL DEFAULT '',
	cancel_reason       TEXT NOT NULL DEFAULT '',
	proposed            TEXT,
	approved            TEXT,
	invitations_sent    TEXT,
	registration_opened TEXT,
	held                TEXT,
	reported            TEXT,
	cancelled           TEXT,
	synthetic           {{bool}} NOT NULL,
	sources             TEXT NOT NULL DEFAULT '',
	note                TEXT NOT NULL DEFAULT '',
	unconfirmed         TEXT NOT NULL DEFAULT '',
	FOREIGN KEY (programme, goal) REFERENCES goals (programme, code)
);

CREATE INDEX activities_programme ON activities (programme, goal);

CREATE TABLE reviews (
	id          TEXT PRIMARY KEY,
	programme   TEXT NOT NULL REFERENCES programmes (id),
	review_date TEXT NOT NULL,
	note_text   TEXT NOT NULL DEFAULT '',
	actor       TEXT NOT NULL DEFAULT '',
	snapshot    TEXT NOT NULL,
	synthetic   {{bool}} NOT NULL,
	sources     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	unconfirmed TEXT NOT NULL DEFAULT ''
);

CREATE INDEX reviews_programme ON reviews (programme);
