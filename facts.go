package entente

// The record's facts with their sources (issue 10, item 1): the kinds of
// record a user creates and corrects one at a time, each with its
// provenance. The names are those the audit log and the history use.
const (
	FactPartnership  = "partnership"
	FactContribution = "contribution"
	FactMeeting      = "meeting"
	FactInvitation   = "invitation"
	FactDefenceEvent = "defence-event"
	FactSource       = "source"
	FactOperation    = "operation"
	FactFramework    = "framework"
	FactGroup        = "group"
)

// FactKinds are the kinds of fact, in the order forms and the API list them.
var FactKinds = []string{FactPartnership, FactContribution, FactMeeting, FactInvitation, FactDefenceEvent, FactSource,
	FactOperation, FactFramework, FactGroup}
