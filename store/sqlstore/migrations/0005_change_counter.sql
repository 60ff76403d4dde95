-- One row counting committed write transactions. PostgreSQL tells other
-- processes of a change with NOTIFY; SQLite has no such channel, so each of
-- its write transactions adds one here (the SQLite dialect's Notify), and a
-- server sharing the file reads the count before it serves a cached page,
-- dropping its cache when the count moved (Store.PollChanges). Visit counts
-- do not touch it: they are not changes to the records.
CREATE TABLE change_counter (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  BIGINT NOT NULL
);
INSERT INTO change_counter (id, n) VALUES (1, 0);
