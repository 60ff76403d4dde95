-- Aggregate, anonymous visit counts, kept only for visitors who consented:
-- the page's path, the day and the referring host. No address, user agent
-- or identifier of any visitor is stored. The counts are not records of the
-- registry: Export, Import and Empty ignore them.
CREATE TABLE analytics_visits (
	day      TEXT NOT NULL,
	page     TEXT NOT NULL,
	referrer TEXT NOT NULL DEFAULT '',
	count    BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (day, page, referrer)
);
