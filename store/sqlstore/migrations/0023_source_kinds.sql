-- Sources say what kind they are, and citations may carry quotations (issue
-- 14, item 6). See entente.SourceKind and entente.Quote.
--
-- sources.kind is one of official-text, official-site, government, news,
-- reference or secondary; '' for a source not classified yet. Every record
-- table gets quotes: the sentences of its sources that state the fact, a JSON
-- array of {"source", "text"} objects, '' when there are none.
ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE countries ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE alliances ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE frameworks ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE partnerships ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE areas ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE contributions ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE defence_events ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE objectives ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE goals ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN quotes TEXT NOT NULL DEFAULT '';
ALTER TABLE reviews ADD COLUMN quotes TEXT NOT NULL DEFAULT '';

-- A store that loaded the default dataset before kinds existed gets the kind
-- of each of its sources, by id, as dataset/nato/sources.txt gave it when this
-- migration was written; a source the store's users added, or changed to
-- another kind, is left as it is (unclassified until someone says).
UPDATE sources SET kind = 'official-text' WHERE kind = '' AND id IN (
	'nato-pfp-1994',
	'nato-official-text',
	'nato-bucharest-2008',
	'coe-pace-opinion-209',
	'nato-news-121898',
	'nato-official-texts-121926');
UPDATE sources SET kind = 'official-site' WHERE kind = '' AND id IN (
	'nato-news-88122',
	'nato-news-168254',
	'nato-topics-52347-nz',
	'nato-topics-52347-isaf',
	'nato-news-17895',
	'nato-topics-49290',
	'nato-topics-58787',
	'nato-topics-80925',
	'nato-topics-80925-fr',
	'nato-topics-225037',
	'nato-news-98689',
	'nato-news-109508',
	'nato-topics-50098',
	'marcom-2014-p3',
	'nato-news-125737',
	'nato-update-2004-12-02',
	'rs-nato-isaf-history',
	'nato-topics-8189',
	'nato-topics-48815',
	'shape-oae',
	'nato-1997-eapc',
	'nato-topics-49276',
	'nato-update-1994-01',
	'nato-topics-49119',
	'nato-topics-88247',
	'nato-news-21437',
	'nato-news-197287',
	'nato-opinions-192454',
	'nato-review-2012-ops',
	'shape-deliberate-force',
	'jfcnaples-skopje',
	'nato-topics-51978',
	'nato-pakistan-2005',
	'aco-africa-archive',
	'shape-allied-protector');
UPDATE sources SET kind = 'government' WHERE kind = '' AND id IN (
	'mfat-nato',
	'nzdf-afghanistan',
	'centcom-resolute-support',
	'marina-sea-guardian',
	'infocenter-ge-enlargement',
	'frus-1952-d142',
	'ambasadat-al-montenegro',
	'archives-us-treaty',
	'parl-uk-1999',
	'mk-gov-lv-2022',
	'mofa-kr-partners',
	'aus-mission-nato',
	'mofa-jp-itpp',
	'esteri-nato-summit-2021',
	'coe-georgia-1999',
	'eurlex-joining-eu',
	'whitehouse-pfp-1994',
	'mfa-ee-accession',
	'difesa-fyrom',
	'defensie-unified-protector',
	'euforbih-nz-2007',
	'nzdf-lot-2004',
	'usdos-alb-hrv-2009');
UPDATE sources SET kind = 'news' WHERE kind = '' AND id IN (
	'defenceweb-sea-guardian',
	'alayham-germany-60',
	'mia-mk-2020',
	'thenational-2023',
	'einpresswire-sweden-2024',
	'kommersant-8058202',
	'c4defence-2020',
	'miragenews-ip4',
	'asiae-ip4-2024',
	'nzherald-trainers',
	'devdiscourse-1451844',
	'eveningreport-2022',
	'reuters-whbl-2023',
	'chronicle-lu-2024',
	'rnz-564951',
	'oceania-news-luxon-2024',
	'devdiscourse-3482470',
	'devdiscourse-2244090',
	'daily8-hague-2025',
	'xinhua-bucharest-2008',
	'rferl-coe-2001',
	'nbc-russia-2014',
	'reuters-russia-2014',
	'zerkalo-belarus-2021',
	'kyivpost-eop-2020',
	'xinhua-eop-2020',
	'gulfnews-ici-2012',
	'kuwaittimes-ici-2024',
	'sbs-albanese-2022',
	'hme-madrid-2022',
	'aa-vilnius-2023',
	'anews-washington-2024',
	'ajupress-hague-2025',
	'asiatoday-hague-2025',
	'rks-allied-force',
	'albaniandaily-allied-force',
	'devdiscourse-eastern-sentry',
	'urdupoint-fm-2023');
UPDATE sources SET kind = 'reference' WHERE kind = '' AND id IN (
	'wikipedia-rsm',
	'academic-ru-md',
	'akarinohon-2022-brussels',
	'atozwiki-madrid-2022',
	'kiwix-hague-2025',
	'wikisource-63stat-945',
	'iso-codes',
	'un-m49',
	'coe-members',
	'euabc-cyprus',
	'wikipedia-european-kazakhstan',
	'pfp-encyclopedia',
	'wikipedia-nato-summit',
	'academic-ru-summits',
	'infogalactic-summits',
	'academic-de-sharp-guard',
	'calendarz-kfor',
	'wikipedia-allied-harmony');
UPDATE sources SET kind = 'secondary' WHERE kind = '' AND id IN (
	'unob-sfor',
	'eata-members',
	'yumpu-nato-handbook',
	'colitsas-2011',
	'raydonhallac-2021',
	'historylessons-1999',
	'deeperquestions-nato',
	'lygeros-podcast-21',
	'hri-grturk-1951',
	'jankamphuis-art5',
	'docslib-evian',
	'byteseu-art5',
	'csp-art5',
	'fordham-2025',
	'atlanticcouncil-rs-2019',
	'rusi-2023',
	'atlanticcouncil-te-mana-2014',
	'm49-csv',
	'countries-independent',
	'country-codes-wikidata',
	't2wml-country-entities',
	'ignifer-entity-resolver',
	'cvce-nacc-1991',
	'pfp-dates-list',
	'infocenter-md-pfp',
	'nps-pfp-history',
	'chicagonato-summits',
	'planken-deny-flight',
	'researcher-deny-flight',
	'natoandiraq-timeline',
	'nato-pr-2012-083');

-- and the quotations the default dataset gave when this migration was written.
UPDATE programmes SET quotes = '[{"source":"nato-news-88122","text":"NATO Secretary General Anders Fogh Rasmussen and John Key, New Zealand’s Prime Minister, pledged closer security cooperation after signing a new partnership cooperation accord at NATO headquarters on 4 June 2012."}]' WHERE quotes = '' AND id = 'NZL-IPCP-2012';
UPDATE programmes SET quotes = '[{"source":"reuters-whbl-2023","text":"Nanaia Mahuta said in an email to Reuters that NATO is shifting all of its partnership arrangements to a new model called an Individually Tailored Partnership Programme and that New Zealand was currently working out the details."}]' WHERE quotes = '' AND id = 'NZL-ITPP-2024';
UPDATE objectives SET quotes = '[{"source":"reuters-whbl-2023","text":"“While the exact areas of work are yet to be agreed, we expect it will cover areas of common interest such as support for the international rules based order, climate change, and cyber security,” she said."}]' WHERE quotes = '' AND programme = 'NZL-ITPP-2024' AND code = 'climate-security';
UPDATE objectives SET quotes = '[{"source":"reuters-whbl-2023","text":"“While the exact areas of work are yet to be agreed, we expect it will cover areas of common interest such as support for the international rules based order, climate change, and cyber security,” she said."}]' WHERE quotes = '' AND programme = 'NZL-ITPP-2024' AND code = 'cyber-defence';
UPDATE objectives SET quotes = '[{"source":"reuters-whbl-2023","text":"“While the exact areas of work are yet to be agreed, we expect it will cover areas of common interest such as support for the international rules based order, climate change, and cyber security,” she said."}]' WHERE quotes = '' AND programme = 'NZL-ITPP-2024' AND code = 'rules-based-order';
UPDATE partnerships SET quotes = '[{"source":"nato-topics-52347-nz","text":"NATO and New Zealand have had regular contacts since 2001."}]' WHERE quotes = '' AND alliance = 'NATO' AND country = 'NZL' AND framework = 'GLOBAL';
