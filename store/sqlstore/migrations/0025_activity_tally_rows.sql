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
-- n0 to n13 are the counts of the seven statuses of the workflow, not due
-- and due, in the order proposed, approved, invitations-sent,
-- registration-open, held, reported, cancelled, on the row of status '';
-- an activity of another status is counted on a row of that status, in
-- n0 and n1. bucket is compared byte by byte, as the stored dates it is
-- cut from ({{binary}}). The Go step of this migration (fillTally) counts
-- the activities already stored.
CREATE TABLE activity_tally (
	programme     TEXT NOT NULL,
	level         INTEGER NOT NULL,
	bucket        TEXT{{binary}} NOT NULL,
	goal          TEXT NOT NULL,
	releasability TEXT NOT NULL,
	status        TEXT NOT NULL,
	n0 INTEGER NOT NULL, n1 INTEGER NOT NULL, n2 INTEGER NOT NULL, n3 INTEGER NOT NULL, n4 INTEGER NOT NULL,
	n5 INTEGER NOT NULL, n6 INTEGER NOT NULL, n7 INTEGER NOT NULL, n8 INTEGER NOT NULL, n9 INTEGER NOT NULL,
	n10 INTEGER NOT NULL, n11 INTEGER NOT NULL, n12 INTEGER NOT NULL, n13 INTEGER NOT NULL,
	PRIMARY KEY (programme, level, bucket, goal, releasability, status)
){{if eq engine "SQLite"}} WITHOUT ROWID{{end}};
