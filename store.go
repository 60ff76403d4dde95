package entente

import (
	"context"
	"errors"
)

// Filter narrows a Find. Each Find method documents which fields it reads;
// empty fields do not filter.
type Filter struct {
	Alliance  string // alliance code
	Country   string // ISO3: the member, partner, contributor, invitee or requester
	ID        string // the record's own id or code
	Framework string // partnership framework code
	Operation string // operation code
	Meeting   string // meeting id
}

// Reader is the read side of a store. Single-record finds return an ENOTFOUND
// *Error when nothing matches; list finds return an empty slice. Lists come
// in the dataset's canonical order (see Dataset.Sort).
type Reader interface {
	// FindCountry returns one country by ISO3 code.
	FindCountry(ctx context.Context, code string) (*Country, error)
	// FindCountries returns all countries.
	FindCountries(ctx context.Context) ([]Country, error)
	// FindCountriesIn returns the countries with the given codes, skipping
	// unknown ones (none for no codes): a view that names a few dozen
	// countries reads those, not the whole table.
	FindCountriesIn(ctx context.Context, codes []string) ([]Country, error)
	// FindAlliance returns one alliance with its articles.
	FindAlliance(ctx context.Context, code string) (*Alliance, error)
	// FindAlliances returns all alliances with their articles.
	FindAlliances(ctx context.Context) ([]Alliance, error)
	// FindMemberships reads Alliance and Country.
	FindMemberships(ctx context.Context, f Filter) ([]Membership, error)
	// FindFrameworks reads Alliance.
	FindFrameworks(ctx context.Context, f Filter) ([]Framework, error)
	// FindPartnerships reads Alliance, Country and Framework.
	FindPartnerships(ctx context.Context, f Filter) ([]Partnership, error)
	// FindGroups reads Alliance, ID (group code) and Country (groups having
	// that member).
	FindGroups(ctx context.Context, f Filter) ([]Group, error)
	// FindAreas returns all cooperation areas.
	FindAreas(ctx context.Context) ([]Area, error)
	// FindProgrammes reads Alliance, Country (the partner) and ID.
	FindProgrammes(ctx context.Context, f Filter) ([]Programme, error)
	// FindOperations reads Alliance and ID (operation code).
	FindOperations(ctx context.Context, f Filter) ([]Operation, error)
	// FindContributions reads Country, Operation and ID.
	FindContributions(ctx context.Context, f Filter) ([]Contribution, error)
	// FindMeetings reads Alliance and ID.
	FindMeetings(ctx context.Context, f Filter) ([]Meeting, error)
	// FindInvitations reads Meeting and Country.
	FindInvitations(ctx context.Context, f Filter) ([]Invitation, error)
	// FindDefenceEvents reads Alliance, Country (a requester) and ID.
	FindDefenceEvents(ctx context.Context, f Filter) ([]DefenceEvent, error)
	// FindSources returns the sources with the given ids (all when ids is
	// empty), skipping unknown ids.
	FindSources(ctx context.Context, ids []string) ([]Source, error)
	// FindAuditEvents returns the audit events f selects, newest first.
	FindAuditEvents(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
	AuditReader
	ProgrammeReader
	AccountReader
}

// Tx is a store transaction: reads see its own writes.
//
// Create methods insert a new record and return ECONFLICT if one with the
// same key exists: creating never overwrites. Update methods change an
// existing record (with its child rows) and return ENOTFOUND if there is
// none. On PostgreSQL a failed statement aborts the whole transaction, so fn
// should return a write's error rather than carry on.
//
// A rule that reads records and then writes must find them unchanged at
// commit. Lock methods take a record's write lock until the transaction
// ends, so that of two transactions checking a rule over the same record,
// the second waits for the first and then reads what it wrote; a missing
// record is not an error (the caller's find reports it). Each use case
// takes one lock before it reads, always in the order alliance, programme,
// activity, so that two transactions never wait for each other:
//   - LockAlliance: accession steps (they read all of the alliance's
//     memberships) and programme agreements (they read the partner's
//     programmes and memberships);
//   - LockProgramme: proposals (the activity id is chosen from the
//     programme's activities), reviews, objectives and goals;
//   - LockActivity: workflow steps on one activity (capacity, state).
//
// AddAuditEvent takes one more lock, the audit chain's, held to the end:
// use cases append their events after taking and reading under their
// record locks, so the chain's comes last, and appends from concurrent
// transactions queue in commit order.
//
// On SQLite every write transaction holds the database's write lock from
// its start, so the locks cost nothing there; on PostgreSQL they are row
// locks (SELECT ... FOR NO KEY UPDATE).
type Tx interface {
	Reader
	LockAlliance(ctx context.Context, code string) error
	LockProgramme(ctx context.Context, id string) error
	LockActivity(ctx context.Context, id string) error
	// LockFact locks the row of a fact of the record: kind is one of
	// FactKinds, key its key's fields in order (a partnership's alliance,
	// country and framework; an invitation's meeting and country; the id
	// of the others). A correction of a fact takes it before it reads the
	// record, after LockAlliance if it takes that too.
	LockFact(ctx context.Context, kind string, key ...string) error
	// EnsureSource adds s unless a source with its id exists.
	EnsureSource(ctx context.Context, s *Source) error
	CreateSource(ctx context.Context, s *Source) error
	UpdateSource(ctx context.Context, s *Source) error
	CreateMembership(ctx context.Context, m *Membership) error
	UpdateMembership(ctx context.Context, m *Membership) error
	CreatePartnership(ctx context.Context, p *Partnership) error
	UpdatePartnership(ctx context.Context, p *Partnership) error
	CreateProgramme(ctx context.Context, p *Programme) error
	UpdateProgramme(ctx context.Context, p *Programme) error
	CreateContribution(ctx context.Context, c *Contribution) error
	UpdateContribution(ctx context.Context, c *Contribution) error
	CreateInvitation(ctx context.Context, in *Invitation) error
	UpdateInvitation(ctx context.Context, in *Invitation) error
	CreateMeeting(ctx context.Context, m *Meeting) error
	UpdateMeeting(ctx context.Context, m *Meeting) error
	CreateDefenceEvent(ctx context.Context, e *DefenceEvent) error
	UpdateDefenceEvent(ctx context.Context, e *DefenceEvent) error
	CreateOperation(ctx context.Context, o *Operation) error
	UpdateOperation(ctx context.Context, o *Operation) error
	CreateFramework(ctx context.Context, f *Framework) error
	UpdateFramework(ctx context.Context, f *Framework) error
	CreateGroup(ctx context.Context, g *Group) error
	UpdateGroup(ctx context.Context, g *Group) error
	// AddAuditEvent appends e to the audit chain: the store sets its ID,
	// At if zero, PrevHash and Hash, and stores Before and After as
	// AuditJSON makes them (EINVALID if they are not JSON objects). It
	// holds the chain's lock from the first append until the transaction
	// ends, so that appends are one line under concurrent writers; use
	// cases append after taking their record locks (Lock*), so the chain's
	// lock comes last. No method changes or removes an event, and the
	// database refuses it too.
	AddAuditEvent(ctx context.Context, e *AuditEvent) error
	ProgrammeTx
	AccountTx
}

// Store is where entente keeps its records: SQLite or PostgreSQL.
// Driver errors come back as *Error: EUNAVAILABLE when the database is
// locked or unreachable, ECONFLICT on a violated constraint.
type Store interface {
	Reader
	// Update runs fn in one transaction and commits it if fn returns nil.
	// A change and its audit event therefore commit together or not at all.
	// If the database aborts the transaction to break a deadlock, Update
	// runs fn again in a new one, a few times at most, so fn must not keep
	// state from one run to the next.
	Update(ctx context.Context, fn func(Tx) error) error
	// Analyze refreshes the statistics the database plans its queries by,
	// after a bulk write: Import and ImportStream run it themselves; a
	// caller that writes many records through Update (a generated store)
	// runs it after.
	Analyze(ctx context.Context) error
	// View runs fn in one read-only transaction: every read made through
	// the Reader fn is given sees the same snapshot of the store, whatever
	// is committed meanwhile, so a view built from several finds is
	// consistent. fn's error comes back unchanged. The Reader is valid only
	// until fn returns.
	View(ctx context.Context, fn func(Reader) error) error
	// Empty reports whether the store holds no records.
	Empty(ctx context.Context) (bool, error)
	// Sessions of signed-in browsers, kept outside Update.
	SessionStore
	// Idempotency keys of API creates, kept outside Update.
	IdempotencyStore
	// Import writes a whole dataset into an empty store in one transaction,
	// with one audit event; it returns ECONFLICT if the store is not empty.
	Import(ctx context.Context, ds *Dataset, audit *AuditEvent) error
	// Export reads the whole store as a dataset in canonical order.
	Export(ctx context.Context) (*Dataset, error)
	// ImportStream is Import for a dataset too large to hold at once: in
	// one transaction, on an empty store (ECONFLICT otherwise), fill gives
	// the records to add in parts, each part's records after those they
	// refer to (as AddRecords takes them), and audit is written with them.
	// An error from fill or add, or ctx cancelled, rolls the whole import
	// back. fill runs once: it is not run again after a deadlock.
	ImportStream(ctx context.Context, audit *AuditEvent, fill func(add func(*Dataset) error) error) error
	// ExportStream is Export for a store too large to hold at once: from
	// one snapshot, it gives base every record but the activities, in
	// canonical order, then each activity to activity in canonical order
	// (by id), holding only one at a time. The *Activity is valid only
	// during the call.
	ExportStream(ctx context.Context, base func(*Dataset) error, activity func(*Activity) error) error
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	TokenToucher
	Close() error
}

// A FileBackuper can copy the whole store, as it stood at one moment, into a
// new file of its own engine while it is in use: a database that opens as it
// is, with its accounts and audit trail. SQLite stores do (VACUUM INTO);
// PostgreSQL's BackupFile returns ErrNoFileBackup, and its backup is a
// snapshot export instead.
type FileBackuper interface {
	// BackupFile writes the copy to path, which must not exist, and
	// reports its progress in bytes to progress (if not nil), the total
	// being an upper bound. A failed or cancelled backup leaves nothing at
	// path.
	BackupFile(ctx context.Context, path string, progress func(done, total int64)) error
}

// ErrNoFileBackup is BackupFile's error from an engine that cannot copy
// itself into a file.
var ErrNoFileBackup = errors.New("this engine cannot back up into a file of its own; export a snapshot instead")
