package sqlstore

import (
	"context"

	"github.com/entente/entente"
)

// The store keeps the domain's rules on what it writes one record at a time
// (an import is checked whole by Dataset.Validate first): it calls them, it
// does not restate them.

// checkPeriod applies entente.CheckPeriod to a record of alliance (none when
// ""): the end not before the start, the start not before the founding. An
// unknown alliance is left to the foreign key.
func (t *tx) checkPeriod(ctx context.Context, op, alliance string, p entente.Period) error {
	var a *entente.Alliance
	if alliance != "" {
		found, err := t.FindAlliance(ctx, alliance)
		switch {
		case err == nil:
			a = found
		case entente.ErrorCode(err) != entente.ENOTFOUND:
			return err
		}
	}
	return ruleErr(op, entente.CheckPeriod(a, p))
}

// checkPartnership applies the period rules and entente.CheckPartnership: a
// member is not its own alliance's partner.
func (t *tx) checkPartnership(ctx context.Context, op string, p *entente.Partnership) error {
	if err := t.checkPeriod(ctx, op, p.Alliance, p.Period); err != nil {
		return err
	}
	ms, err := t.FindMemberships(ctx, entente.Filter{Alliance: p.Alliance, Country: p.Country})
	if err != nil {
		return err
	}
	for i := range ms {
		if err := entente.CheckPartnership(p, &ms[i]); err != nil {
			return ruleErr(op, err)
		}
	}
	return nil
}

// ruleErr prefixes a rule's error with the operation, keeping its code and
// reasons.
func ruleErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return &entente.Error{Code: entente.ErrorCode(err), Message: op + ": " + entente.ErrorMessage(err), Reasons: entente.ErrorReasons(err)}
}
