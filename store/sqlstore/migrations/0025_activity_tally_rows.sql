-- A programme's progress counts its activities by goal, by status on a
-- day and by whether each was due before it (Reader.TallyActivities).
-- Evaluated over every activity of the programme (tens of thousands in a
-- generated store), that count was most of the programme page's time.
-- activity_tally holds the count maintained as activities are written
-- (store/sqlstore/tally.go): for each activity, +1 to the pair (status,
-- due) it starts at and, at each day its pair changes, -1 to the old pair
-- and +1 to the new, summed by programme, goal, marking and key, at three
-- levels: the key's year (level 0), its month (1) and the key itself (2).
-- A day's count sums the rows of the years before its year, of the months
-- before its month in its year, and of the keys of its month up to it.
-- bucket is compared byte by byte, as the stored dates it is cut from
-- ({{binary}}). The Go step of this migration (fillTally) counts the
-- activities already stored.
CREATE TABLE activity_tally (
	programme     TEXT NOT NULL,
	level         INTEGER NOT NULL,
	bucket        TEXT{{binary}} NOT NULL,
	goal          TEXT NOT NULL,
	releasability TEXT NOT NULL,
	status        TEXT NOT NULL,
	due           INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	PRIMARY KEY (programme, level, bucket, goal, releasability, status, due)
){{if eq engine "SQLite"}} WITHOUT ROWID{{end}};
