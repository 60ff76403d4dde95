-- A programme's progress counts its activities by goal and by where each
-- stood on the day (Reader.TallyActivities), and lists those overdue, due
-- longest ago first (ActivityFilter.OverdueOn). In a generated store a
-- programme has tens of thousands of activities, spread over the whole
-- table: read through the index on (programme, goal), each is a lookup of
-- its row. activities_tally holds every column the count reads, so the
-- count reads the index alone; activities_due orders a programme's
-- activities by the day they were due, so the first overdue ones are
-- found without sorting them all.
CREATE INDEX activities_tally ON activities (programme, goal, releasability, status, proposed, approved,
	invitations_sent, registration_opened, held, reported, cancelled, start_date, end_date);
CREATE INDEX activities_due ON activities (programme, (COALESCE(end_date, start_date)){{binary}}, id{{binary}});
