-- Full-text search (issue 12): one row in search_docs for each record worth
-- finding, kept in step by triggers on the records' tables, so a write and
-- its index entry commit together in the same transaction, whatever path
-- wrote it (a service, an import, generate). SQLite indexes the rows with
-- FTS5 (an external-content table over search_docs); PostgreSQL with a
-- weighted tsvector column and a GIN index. title weighs more than body.
-- country, year and kind are for facets; releasability and the parent (the
-- programme, operation or meeting a record belongs to) let a search show
-- only what the principal may read.
CREATE TABLE search_docs (
	id            {{autoid}},
	kind          TEXT NOT NULL,
	key           TEXT NOT NULL,
	title         TEXT NOT NULL,
	body          TEXT NOT NULL,
	country       TEXT NOT NULL,
	year          INTEGER,
	parent_kind   TEXT NOT NULL,
	parent        TEXT NOT NULL,
	releasability TEXT NOT NULL,
{{- if eq engine "SQLite"}}
	UNIQUE (kind, key)
);
CREATE VIRTUAL TABLE search_fts USING fts5 (title, body, content = 'search_docs', content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
	INSERT INTO search_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
	INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', OLD.id, OLD.title, OLD.body);
END;
{{- else}}
	doc tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED,
	UNIQUE (kind, key)
);
CREATE INDEX search_docs_doc ON search_docs USING GIN (doc);
{{- end}}
CREATE INDEX search_docs_parent ON search_docs (parent_kind, parent);

{{define "insert"}}INSERT INTO search_docs (kind, key, title, body, country, year, parent_kind, parent, releasability)
		VALUES ('{{.kind}}', {{row "NEW" .key}}, {{row "NEW" .title}}, {{row "NEW" .body}}, {{row "NEW" .country}}, {{row "NEW" .year}}, '{{.parentkind}}', {{row "NEW" .parent}}, {{row "NEW" .rel}}){{end}}
{{- define "delete"}}DELETE FROM search_docs WHERE kind = '{{.kind}}' AND key = {{row "OLD" .key}}{{end}}
{{- define "index"}}
{{- if eq engine "SQLite"}}
CREATE TRIGGER search_{{.table}}_insert AFTER INSERT ON {{.table}} BEGIN
	{{template "insert" .}};
END;
CREATE TRIGGER search_{{.table}}_update AFTER UPDATE OF {{.columns}} ON {{.table}} BEGIN
	{{template "delete" .}};
	{{template "insert" .}};
END;
CREATE TRIGGER search_{{.table}}_delete AFTER DELETE ON {{.table}} BEGIN
	{{template "delete" .}};
END;
{{- else}}
CREATE FUNCTION search_{{.table}}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		{{template "delete" .}};
	END IF;
	IF TG_OP <> 'DELETE' THEN
		{{template "insert" .}};
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER search_{{.table}} AFTER INSERT OR DELETE OR UPDATE OF {{.columns}} ON {{.table}}
	FOR EACH ROW EXECUTE FUNCTION search_{{.table}}();
{{- end}}
INSERT INTO search_docs (kind, key, title, body, country, year, parent_kind, parent, releasability)
	SELECT '{{.kind}}', {{row "t" .key}}, {{row "t" .title}}, {{row "t" .body}}, {{row "t" .country}}, {{row "t" .year}}, '{{.parentkind}}', {{row "t" .parent}}, {{row "t" .rel}} FROM {{.table}} t;
{{end}}
{{template "index" (dict "table" "countries" "kind" "country" "key" "@.code"
	"title" "@.name"
	"body" "@.region || ' ' || @.note"
	"country" "@.code" "year" "NULL" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "name, region, note, releasability")}}
{{template "index" (dict "table" "alliances" "kind" "alliance" "key" "@.code"
	"title" "@.name"
	"body" "@.treaty || ' ' || @.headquarters || ' ' || @.note"
	"country" "''" "year" "CAST(substr(@.signed, 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "name, treaty, headquarters, signed, note, releasability")}}
{{template "index" (dict "table" "memberships" "kind" "membership" "key" "@.alliance || '/' || @.country"
	"title" "coalesce((SELECT name FROM countries WHERE code = @.country), @.country) || ' in ' || @.alliance"
	"body" "@.note"
	"country" "@.country" "year" "CAST(substr(coalesce(@.acceded, @.applied), 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "acceded, applied, note, releasability")}}
{{template "index" (dict "table" "frameworks" "kind" "framework" "key" "@.alliance || '/' || @.code"
	"title" "@.name"
	"body" "@.code || ' ' || @.note"
	"country" "''" "year" "CAST(substr(@.start_date, 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "name, start_date, note, releasability")}}
{{template "index" (dict "table" "partnerships" "kind" "partnership" "key" "@.alliance || '/' || @.country || '/' || @.framework"
	"title" "coalesce((SELECT name FROM countries WHERE code = @.country), @.country) || ': ' || coalesce((SELECT name FROM frameworks WHERE alliance = @.alliance AND code = @.framework), @.framework)"
	"body" "@.note"
	"country" "@.country" "year" "CAST(substr(@.start_date, 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "start_date, note, releasability")}}
{{template "index" (dict "table" "groups" "kind" "group" "key" "@.alliance || '/' || @.code"
	"title" "@.name"
	"body" "@.code || ' ' || @.note"
	"country" "''" "year" "CAST(substr(@.since, 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "name, since, note, releasability")}}
{{template "index" (dict "table" "programmes" "kind" "programme" "key" "@.id"
	"title" "@.title"
	"body" "@.programme_type || ' ' || @.id || ' ' || @.note"
	"country" "@.partner" "year" "CAST(substr(coalesce(@.agreed, @.start_date), 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "title, programme_type, agreed, start_date, note, releasability")}}
{{template "index" (dict "table" "objectives" "kind" "objective" "key" "@.programme || '/' || @.code"
	"title" "@.title"
	"body" "@.note"
	"country" "coalesce((SELECT partner FROM programmes WHERE id = @.programme), '')" "year" "NULL" "parentkind" "programme" "parent" "@.programme"
	"rel" "@.releasability" "columns" "title, note, releasability")}}
{{template "index" (dict "table" "goals" "kind" "goal" "key" "@.programme || '/' || @.code"
	"title" "@.title"
	"body" "@.note"
	"country" "coalesce((SELECT partner FROM programmes WHERE id = @.programme), '')" "year" "NULL" "parentkind" "programme" "parent" "@.programme"
	"rel" "@.releasability" "columns" "title, note, releasability")}}
{{template "index" (dict "table" "offers" "kind" "offer" "key" "@.code"
	"title" "@.title"
	"body" "@.kind || ' ' || @.provider || ' ' || @.location || ' ' || @.note"
	"country" "''" "year" "CAST(substr(@.start_date, 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "title, kind, provider, location, start_date, note, releasability")}}
{{template "index" (dict "table" "activities" "kind" "activity" "key" "@.id"
	"title" "@.title"
	"body" "@.kind || ' ' || @.location || ' ' || @.proposer || ' ' || @.outcome || ' ' || @.feedback || ' ' || @.note"
	"country" "coalesce((SELECT partner FROM programmes WHERE id = @.programme), '')" "year" "CAST(substr(@.start_date, 1, 4) AS INTEGER)" "parentkind" "programme" "parent" "@.programme"
	"rel" "@.releasability" "columns" "title, kind, location, proposer, outcome, feedback, start_date, note, releasability")}}
{{template "index" (dict "table" "operations" "kind" "operation" "key" "@.code"
	"title" "@.name"
	"body" "@.code || ' ' || @.kind || ' ' || @.theatre || ' ' || @.mandate || ' ' || @.note"
	"country" "''" "year" "CAST(substr(@.start_date, 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "name, kind, theatre, mandate, start_date, note, releasability")}}
{{template "index" (dict "table" "contributions" "kind" "contribution" "key" "@.id"
	"title" "coalesce((SELECT name FROM operations WHERE code = @.operation), @.theatre) || ': ' || coalesce((SELECT name FROM countries WHERE code = @.country), @.country) || ' in ' || @.theatre"
	"body" "coalesce(@.operation, '') || ' ' || @.what || ' ' || @.note"
	"country" "@.country" "year" "CAST(substr(@.start_date, 1, 4) AS INTEGER)" "parentkind" "operation" "parent" "coalesce(@.operation, '')"
	"rel" "@.releasability" "columns" "what, theatre, start_date, note, releasability")}}
{{template "index" (dict "table" "meetings" "kind" "meeting" "key" "@.id"
	"title" "@.name"
	"body" "@.kind || ' ' || @.city || ' ' || @.note"
	"country" "coalesce(@.country, '')" "year" "CAST(substr(@.start_date, 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "name, kind, city, country, start_date, note, releasability")}}
{{template "index" (dict "table" "invitations" "kind" "invitation" "key" "@.meeting || '/' || @.country"
	"title" "coalesce((SELECT name FROM meetings WHERE id = @.meeting), @.meeting) || ': ' || coalesce((SELECT name FROM countries WHERE code = @.country), @.country)"
	"body" "@.level || ' ' || @.attendee || ' ' || @.note"
	"country" "@.country" "year" "(SELECT CAST(substr(start_date, 1, 4) AS INTEGER) FROM meetings WHERE id = @.meeting)" "parentkind" "meeting" "parent" "@.meeting"
	"rel" "@.releasability" "columns" "level, attendee, note, releasability")}}
{{template "index" (dict "table" "defence_events" "kind" "defence-event" "key" "@.id"
	"title" "@.summary"
	"body" "@.article || ' ' || @.outcome || ' ' || @.note"
	"country" "''" "year" "CAST(substr(@.event_date, 1, 4) AS INTEGER)" "parentkind" "" "parent" "''"
	"rel" "@.releasability" "columns" "summary, article, outcome, event_date, note, releasability")}}
{{template "index" (dict "table" "sources" "kind" "source" "key" "@.id"
	"title" "@.title"
	"body" "@.publisher || ' ' || @.document || ' ' || @.url"
	"country" "''" "year" "NULL" "parentkind" "" "parent" "''"
	"rel" "'PUBLIC'" "columns" "title, publisher, document, url")}}

-- The few records that are not PUBLIC, found at once: a source that one of
-- them cites is shown only to those who see everything (Store.Search).
CREATE INDEX countries_restricted ON countries (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX alliances_restricted ON alliances (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX articles_restricted ON articles (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX memberships_restricted ON memberships (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX frameworks_restricted ON frameworks (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX partnerships_restricted ON partnerships (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX groups_restricted ON groups (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX areas_restricted ON areas (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX programmes_restricted ON programmes (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX operations_restricted ON operations (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX contributions_restricted ON contributions (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX meetings_restricted ON meetings (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX invitations_restricted ON invitations (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX defence_events_restricted ON defence_events (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX objectives_restricted ON objectives (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX goals_restricted ON goals (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX offers_restricted ON offers (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX activities_restricted ON activities (releasability) WHERE releasability <> 'PUBLIC';
CREATE INDEX reviews_restricted ON reviews (releasability) WHERE releasability <> 'PUBLIC';
