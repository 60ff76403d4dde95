package sqlstore

import (
	"context"
	"errors"

	"github.com/entente/entente"
)

// wrap turns err from the driver or database/sql into an *entente.Error,
// naming op (what the store was doing) where that helps. Errors that already
// are *entente.Error pass through, so wrapping twice is harmless.
//
// Conflicts get op in their message because the driver's own message rarely
// says which record was refused ("FOREIGN KEY constraint failed");
// unavailability does not, as "database is locked by another process" is
// the whole story whatever the store was doing.
func (d *Dialect) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *entente.Error
	if errors.As(err, &e) {
		return err
	}
	if d.Err != nil {
		if e := d.Err(err); e != nil {
			if e.Err == nil {
				e.Err = err
			}
			if e.Code == entente.ECONFLICT && op != "" {
				e.Message = op + ": " + e.Message
			}
			return e
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &entente.Error{Code: entente.EUNAVAILABLE, Message: d.Name + " did not answer in time", Err: err}
	}
	return &entente.Error{Code: entente.EINTERNAL, Message: op + ": " + err.Error(), Err: err}
}
