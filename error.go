package entente

import (
	"errors"
	"fmt"
)

// Error codes. Each surface maps them once: the CLI to exit statuses, the web
// to HTTP statuses.
const (
	ENOTFOUND     = "not_found"    // a code or id names no record
	EINVALID      = "invalid"      // input is malformed: a bad code, date, field or file
	EREFUSED      = "refused"      // a rule said no; the verdict says which and why
	ECONFLICT     = "conflict"     // the store's state does not allow it (not empty, changed meanwhile)
	EUNAVAILABLE  = "unavailable"  // the database is locked or cannot be reached
	EUNAUTHORIZED = "unauthorized" // no authenticated principal where one is needed
	EFORBIDDEN    = "forbidden"    // the principal may not do this
	ESTALE        = "stale"        // a change named a version of a record that is no longer its version
	EPRECONDITION = "precondition" // a change must name the version it was made from, and named none
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// Error is an error a user may see. Message is safe to show; Err, if set,
// carries the underlying cause for logs.
type Error struct {
	Code    string
	Message string
	// Reasons explain a refusal, each citing what decided it.
	Reasons []Reason
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message a user may see for err. Internal errors
// get a generic message; their detail belongs in the logs.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Error()
	}
	return "internal error"
}

// ErrorReasons returns the reasons of a refusal, if err carries any.
func ErrorReasons(err error) []Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reasons
	}
	return nil
}
