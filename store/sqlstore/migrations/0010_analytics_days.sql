-- One row per day that has visit counts, which a batch of counts locks
-- (Counter.AddVisits) before it reads which referring hosts the day names:
-- two processes flushing counts for one day take turns, so the day keeps at
-- most entente.MaxReferrers hosts however their batches interleave. It holds
-- no data of its own.
CREATE TABLE analytics_days (
	day TEXT PRIMARY KEY
);
