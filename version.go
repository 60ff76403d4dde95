package entente

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// A record's version is a strong entity tag (RFC 9110, section 8.8.3)
// computed from the record itself: the quoted hex of the first 16 bytes of
// the SHA-256 of its JSON encoding. Two versions are equal exactly when the
// records encode alike, so a version needs no column and no counter, is the
// same on every engine, and changes with every change a reader could see.
//
// A change that names the version it was made from (an API request's
// If-Match, a form's hidden version field) is checked against the record's
// version inside the write's transaction, after the record is locked: a
// different version is ESTALE (HTTP 412), so a change made from a stale
// copy never overwrites the newer one. An API change that names no version
// is EPRECONDITION (HTTP 428).
//
// Version panics if record cannot be encoded as JSON, which no record type
// of this package does.
func Version(record any) string {
	b, err := json.Marshal(record)
	if err != nil {
		panic("entente: version of a record that does not encode: " + err.Error())
	}
	return VersionOfJSON(b)
}

// VersionOfJSON is the version of the record whose JSON encoding (as
// json.Marshal writes it) is b: for a caller that encodes the record
// anyway, so that it is not encoded twice.
func VersionOfJSON(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// CheckVersion returns nil when want is empty (the caller named no
// version) or equal to record's version, and ESTALE naming what otherwise.
// what names the record for the message: "goal NZL-ITPP-2024/G1".
func CheckVersion(what string, record any, want string) error {
	if want == "" {
		return nil
	}
	if have := Version(record); have != want {
		e := Errorf(ESTALE, "%s has changed since version %s was read: it is now version %s; read it again and make the change from the new version", what, want, have)
		e.Err = &StaleVersion{What: what, Want: want, Current: have}
		return e
	}
	return nil
}

// StaleVersion is the cause of an ESTALE error: which record, the version
// the change named and the record's current version, for a surface to
// show (the API's problem details, a form's conflict page).
type StaleVersion struct {
	What    string `json:"record"`
	Want    string `json:"version"`
	Current string `json:"current_version"`
}

func (e *StaleVersion) Error() string {
	return e.What + " is at version " + e.Current + ", not " + e.Want
}
