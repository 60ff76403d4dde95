-- What an article does is data of its alliance: an article may carry a role
-- (consultation, collective-defence, defence-area; see entente.ArticleRoles),
-- and an alliance records where its treaty was signed.
ALTER TABLE articles ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE alliances ADD COLUMN signed_at TEXT NOT NULL DEFAULT '';

-- A store loaded from the embedded default dataset before this step gets
-- what that dataset now records (dataset/nato/alliance.txt): the roles of
-- its Articles 4, 5 and 6, and the place of signature with its source, which
-- replaces the note's opening sentence. Other stores are left as they are.
UPDATE articles SET role = 'consultation' WHERE alliance = 'NATO' AND number = '4' AND title = 'Consultation';
UPDATE articles SET role = 'collective-defence' WHERE alliance = 'NATO' AND number = '5' AND title = 'Collective defence';
UPDATE articles SET role = 'defence-area' WHERE alliance = 'NATO' AND number = '6' AND title = 'Area covered by Article 5';
INSERT INTO sources (id, title, url, publisher)
	SELECT 'archives-us-treaty',
		'US National Archives featured document on the North Atlantic Treaty and its signing ceremony in Washington, DC, on 4 April 1949',
		'https://archives.gov/exhibits/featured-documents/north-atlantic-treaty',
		'US National Archives and Records Administration'
	WHERE EXISTS (SELECT 1 FROM alliances WHERE code = 'NATO' AND note LIKE 'Signed in Washington. %')
	AND NOT EXISTS (SELECT 1 FROM sources WHERE id = 'archives-us-treaty');
UPDATE alliances SET signed_at = 'Washington, D.C.', note = substr(note, 23), sources = sources || ' archives-us-treaty'
	WHERE code = 'NATO' AND note LIKE 'Signed in Washington. %';
