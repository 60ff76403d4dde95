package storetest

import "github.com/entente/entente"

// d parses a date literal.
func d(s string) entente.Date { return entente.MustParseDate(s) }

// Fixture returns a small dataset that uses every table and column of the
// store: one alliance (TESTA) with four articles, five countries,
// memberships with consents and ratifications, frameworks, partnerships,
// groups, areas, a programme superseding another, operations, contributions
// with and without an operation, meetings, invitations and defence events
// with several requesters. Every record has sources, every source a kind
// (official text, official site, news, secondary), and two records carry
// quotations; dates come at year,
// month and day precision; optional fields are set on some records and left
// empty on others. It is in canonical order, as Export returns it.
//
// Each call returns a fresh copy, so a test may change it.
func Fixture() *entente.Dataset {
	ds := &entente.Dataset{
		Sources: []entente.Source{
			{ID: "src-members", Title: "Member states", URL: "https://example.org/members", Publisher: "TESTA", Accessed: d("2025-01-15"),
				Kind: entente.SourceOfficialSite},
			{ID: "src-ops", Title: "Operations and missions", URL: "https://example.org/ops", Accessed: d("2024-11"), Kind: entente.SourceNews},
			{ID: "src-partners", Title: "Partners", Document: "Partnership handbook, 2nd edition", Publisher: "TESTA Public Diplomacy",
				Kind: entente.SourceSecondary},
			{ID: "src-treaty", Title: "The Test Treaty", URL: "https://example.org/treaty", Accessed: d("2024"), Kind: entente.SourceOfficialText},
		},
		Countries: []entente.Country{
			{Code: "BEL", Name: "Belgium", Region: "Europe", Subregion: "Western Europe", European: yes(), Provenance: src("src-members")},
			{Code: "CAN", Name: "Canada", Region: "Americas", Subregion: "Northern America", European: no(), Provenance: src("src-members", "src-treaty")},
			{Code: "FRA", Name: "France", Region: "Europe", Subregion: "Western Europe", European: yes(), Provenance: src("src-members")},
			{Code: "NZL", Name: "New Zealand", Region: "Oceania", Subregion: "Australia and New Zealand", European: no(),
				Linked:     entente.Linked{Wikidata: "Q664", WikidataSources: []string{"src-partners"}},
				Provenance: entente.Provenance{Sources: []string{"src-partners"}, Note: "A partner across the globe."}},
			{Code: "SWE", Name: "Sweden", Region: "Europe", Subregion: "Northern Europe", European: yes(), Provenance: src("src-members", "src-partners")},
		},
		Alliances: []entente.Alliance{{
			Code: "TESTA", Name: "Test Alliance", Treaty: "The Test Treaty",
			Signed: d("1949-04-04"), SignedAt: "Testa City", InForce: d("1949-08-24"), Headquarters: "Brussels", Depositary: "CAN",
			Rule: entente.Rule{
				Eligibility: entente.EligibleByEuropean, EligibilityClause: "only European states may be invited",
				EligibleRegions: []string{"Europe", "Northern America"}, Unanimity: true,
				WithdrawalAfterYears: 20, WithdrawalNoticeMonths: 12, AccessionArticle: "10", WithdrawalArticle: "13",
			},
			Articles: []entente.Article{
				{Alliance: "TESTA", Number: "4", Title: "Consultation", Summary: "A party that feels threatened may ask the others to consult.",
					Role: entente.RoleConsultation, Provenance: src("src-treaty")},
				{Alliance: "TESTA", Number: "5", Title: "Collective defence", Summary: "An attack on one is an attack on all.",
					Role: entente.RoleDefence, Provenance: src("src-treaty")},
				{Alliance: "TESTA", Number: "10", Title: "Accession", Summary: "Parties may by unanimous agreement invite a European state.",
					Detail: "The state accedes by depositing its instrument.", Provenance: src("src-treaty")},
				{Alliance: "TESTA", Number: "13", Title: "Withdrawal", Summary: "After twenty years a party may leave on one year's notice.",
					Provenance: entente.Provenance{Sources: []string{"src-treaty"}, Unconfirmed: "the exact wording"}},
			},
			Linked:     entente.Linked{Wikidata: "Q1", WikidataSources: []string{"src-treaty"}},
			Provenance: src("src-treaty"),
		}},
		Memberships: []entente.Membership{
			{Alliance: "TESTA", Country: "BEL", Founding: true, Acceded: d("1949-08-24"), Provenance: src("src-members")},
			{Alliance: "TESTA", Country: "CAN", Founding: true, Acceded: d("1949-08-24"), Provenance: src("src-members")},
			{Alliance: "TESTA", Country: "FRA", Founding: true, Acceded: d("1949-08-24"), Notice: d("1966-03"),
				Withdrawn: d("1967"), Provenance: entente.Provenance{Sources: []string{"src-members"}, Note: "A fictional withdrawal."}},
			{Alliance: "TESTA", Country: "SWE", Applied: d("2022-05-18"), Invited: d("2022-06-29"), Signed: d("2022-07-05"), Acceded: d("2024-03-07"),
				Consents: []entente.Assent{
					{Country: "CAN", Date: d("2022-06-29")},
					{Country: "BEL", Date: d("2022-06-29")},
				},
				Ratifications: []entente.Assent{
					{Country: "CAN", Date: d("2022-07-05")},
					{Country: "BEL", Date: d("2022-10")},
					{Country: "FRA"},
				},
				Provenance: src("src-members", "src-partners")},
		},
		Frameworks: []entente.Framework{
			{Alliance: "TESTA", Code: "GP", Name: "Global Partners", Period: entente.Period{From: d("2010")}, Provenance: src("src-partners")},
			{Alliance: "TESTA", Code: "PFP", Name: "Partnership for Peace", Period: entente.Period{From: d("1994-01-10")},
				Linked: entente.Linked{Wikidata: "Q2", WikidataSources: []string{"src-partners"}}, Provenance: src("src-partners")},
		},
		Partnerships: []entente.Partnership{
			{Alliance: "TESTA", Country: "NZL", Framework: "GP", Period: entente.Period{From: d("2012")},
				Provenance: entente.Provenance{Sources: []string{"src-partners"},
					Quotes: []entente.Quote{{Source: "src-partners", Text: `New Zealand became a "global partner" in 2012.`}}}},
			{Alliance: "TESTA", Country: "NZL", Framework: "PFP", Period: entente.Period{From: d("2005"), To: d("2011")},
				Suspended:  entente.Period{From: d("2008-04-01"), To: d("2009-06")},
				Provenance: entente.Provenance{Sources: []string{"src-partners"}, Unconfirmed: "the end year"}},
			{Alliance: "TESTA", Country: "SWE", Framework: "PFP", Period: entente.Period{From: d("1994-05-09"), To: d("2024-03-07")}, Provenance: src("src-partners")},
		},
		Groups: []entente.Group{
			{Alliance: "TESTA", Code: "IP", Name: "Indo-Pacific partners", Members: []string{"NZL"}, Since: d("2022-06"), Provenance: src("src-partners")},
			{Alliance: "TESTA", Code: "NORTH", Name: "Northern friends", Members: []string{"SWE", "CAN", "BEL"}, Provenance: src("src-partners")},
		},
		Areas: []entente.Area{
			{Code: "cyber", Name: "Cyber defence", Provenance: src("src-partners")},
			{Code: "interop", Name: "Interoperability", Provenance: src("src-partners")},
			{Code: "maritime", Name: "Maritime security", Provenance: src("src-partners")},
		},
		// NZL-2024-ITPP sorts before the programme it supersedes, so an
		// import that wrote programmes in canonical order would break the
		// supersedes foreign key.
		Programmes: []entente.Programme{
			{ID: "NZL-2024-ITPP", Alliance: "TESTA", Partner: "NZL", Type: "ITPP", Title: "Individually Tailored Partnership Programme",
				Agreed: d("2024-07"), Period: entente.Period{From: d("2024-07")}, Status: entente.ProgrammeActive, Supersedes: "NZL-IPCP-2012",
				Areas: []string{"maritime", "cyber", "interop"}, Provenance: src("src-partners")},
			{ID: "NZL-IPCP-2012", Alliance: "TESTA", Partner: "NZL", Type: "IPCP", Title: "Individual Partnership and Cooperation Programme",
				Agreed: d("2012-06-04"), Period: entente.Period{From: d("2012-06-04"), To: d("2024-07")}, Status: entente.ProgrammeSuperseded,
				Areas: []string{"interop"}, Provenance: entente.Provenance{Sources: []string{"src-partners", "src-treaty"},
					Quotes: []entente.Quote{{Source: "src-treaty", Text: "The programme was signed on 4 June 2012."},
						{Source: "src-partners", Text: "It was superseded in July 2024."}}}},
			{ID: "SWE-IPAP-2016", Alliance: "TESTA", Partner: "SWE", Type: "IPAP", Title: "Individual Partnership Action Plan",
				Agreed: d("2016"), Period: entente.Period{From: d("2016"), To: d("2024-03-07")}, Status: entente.ProgrammeSuperseded,
				Provenance: src("src-partners")},
		},
		Operations: []entente.Operation{
			{Code: "OPA", Alliance: "TESTA", Name: "Operation Alpha", Kind: "peace-support", Theatre: "Bosnia and Herzegovina",
				Period: entente.Period{From: d("1995-12-20"), To: d("1996-12-20")}, Mandate: "UNSCR 1031",
				Linked: entente.Linked{Wikidata: "Q3", WikidataSources: []string{"src-ops"}}, Provenance: src("src-ops")},
			{Code: "OPB", Alliance: "TESTA", Name: "Operation Bravo", Kind: "stabilisation", Theatre: "Afghanistan",
				Period: entente.Period{From: d("2003-08"), To: d("2014-12")}, Provenance: src("src-ops")},
		},
		Contributions: []entente.Contribution{
			{ID: "nzl-adriatic", Country: "NZL", Theatre: "Adriatic Sea", Period: entente.Period{From: d("1993"), To: d("1996")},
				What: "A frigate for sanctions enforcement", Provenance: entente.Provenance{Sources: []string{"src-ops"}, Unconfirmed: "the exact dates"}},
			{ID: "nzl-opb", Country: "NZL", Operation: "OPB", Theatre: "Afghanistan", Period: entente.Period{From: d("2003-08"), To: d("2013-04")},
				What: "A provincial reconstruction team", Provenance: src("src-ops", "src-partners")},
			{ID: "swe-opa", Country: "SWE", Operation: "OPA", Theatre: "Bosnia and Herzegovina", Period: entente.Period{From: d("1996")},
				What: "A mechanised battalion", Provenance: src("src-ops")},
		},
		Meetings: []entente.Meeting{
			{ID: "m-2023-vilnius", Alliance: "TESTA", Kind: "summit", Name: "Vilnius Summit", City: "Vilnius",
				Period: entente.Period{From: d("2023-07-11"), To: d("2023-07-12")},
				Linked: entente.Linked{Wikidata: "Q4", WikidataSources: []string{"src-partners", "src-ops"}}, Provenance: src("src-partners")},
			{ID: "m-2024-brussels", Alliance: "TESTA", Kind: "ministerial", Name: "Foreign ministers", City: "Brussels", Country: "BEL",
				Period: entente.Period{From: d("2024-04-03")}, Provenance: src("src-partners")},
		},
		Invitations: []entente.Invitation{
			{Meeting: "m-2023-vilnius", Country: "NZL", Level: "head-of-government", Attended: entente.AttendedYes, Attendee: "The Prime Minister", Provenance: src("src-partners")},
			{Meeting: "m-2023-vilnius", Country: "SWE", Level: "head-of-government", Attended: entente.AttendedUnknown, Provenance: src("src-partners")},
			{Meeting: "m-2024-brussels", Country: "NZL", Level: "foreign-minister", Attended: entente.AttendedNo, Provenance: src("src-partners")},
		},
		DefenceEvents: []entente.DefenceEvent{
			{ID: "art4-2022", Alliance: "TESTA", Article: "4", Date: d("2022-02-24"), Requesters: []string{"SWE", "BEL", "FRA"},
				Summary: "Consultations requested after an attack on a neighbour.", Outcome: "A joint statement.", Provenance: src("src-treaty", "src-ops")},
			{ID: "art5-2001", Alliance: "TESTA", Article: "5", Date: d("2001-10"), Requesters: []string{"CAN"},
				Summary: "Collective defence invoked.", Provenance: src("src-treaty")},
		},
	}
	ds.Sort()
	return ds
}

func src(ids ...string) entente.Provenance { return entente.Provenance{Sources: ids} }

// yes and no are European readings resting on the fixture's member and
// partner lists.
func yes() entente.EuropeanReading {
	return entente.EuropeanReading{Value: entente.EuropeanYes, Provenance: entente.Provenance{Sources: []string{"src-members"}, Note: "in Europe"}}
}

func no() entente.EuropeanReading {
	return entente.EuropeanReading{Value: entente.EuropeanNo, Provenance: entente.Provenance{Sources: []string{"src-partners"}}}
}
