package service

import (
	"context"
	"errors"
	"slices"

	"github.com/entente/entente"
)

// Step is an accession workflow step.
type Step string

const (
	StepApply    Step = "apply"
	StepConsent  Step = "consent"
	StepInvite   Step = "invite"
	StepSign     Step = "sign"
	StepRatify   Step = "ratify"
	StepDeposit  Step = "deposit"
	StepWithdraw Step = "withdraw"
)

// Steps lists the workflow steps in order.
var Steps = []Step{StepApply, StepConsent, StepInvite, StepSign, StepRatify, StepDeposit, StepWithdraw}

// StepRequest is one accession workflow step: country's accession to
// alliance, on Date (today if zero). By names the member consenting or
// ratifying, for those steps.
type StepRequest struct {
	Alliance string
	Country  string
	By       string
	Date     entente.Date
	// DryRun runs the step's rule and returns the record the step would
	// write, writing nothing: a form's "check your answers" page shows it,
	// or the refusal, before the step is taken.
	DryRun bool `json:"-"`
	// IfMatch is the version of the membership the step was taken from,
	// when it exists (see version.go); applying takes none.
	IfMatch string
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run: nothing written")

// WorkflowSource is the source cited by records made through entente's own
// workflows: the store's audit log, which holds who did what and when.
var WorkflowSource = entente.Source{ID: "entente-audit-log", Title: "Recorded through entente's workflow; see the audit log for who, when and what",
	Document: "this store's audit log"}

// citeWorkflow makes sure the store holds WorkflowSource and returns the
// sources a record made through a workflow cites. Such a record is its own
// evidence, and its audit events say who made it and when; citing them keeps
// every record sourced, so exports import again.
func citeWorkflow(ctx context.Context, tx entente.Tx) ([]string, error) {
	if err := tx.EnsureSource(ctx, &WorkflowSource); err != nil {
		return nil, err
	}
	return []string{WorkflowSource.ID}, nil
}

// Accession runs one workflow step. The rule decides in the same transaction
// that writes the change and its audit event; a refused step writes nothing.
func (s *Service) Accession(ctx context.Context, step Step, req StepRequest) (*entente.Membership, error) {
	who, err := authorize(ctx, StaffWork, "", "run accession steps")
	if err != nil {
		return nil, err
	}
	d := s.day(req.Date)
	var out entente.Membership
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		// Every step's rule reads the alliance's memberships (who is a
		// member, who has consented or ratified), so the step holds the
		// alliance's lock: steps of one alliance run one at a time, each
		// reading what the one before wrote.
		if err := tx.LockAlliance(ctx, req.Alliance); err != nil {
			return err
		}
		a, err := tx.FindAlliance(ctx, req.Alliance)
		if err != nil {
			return err
		}
		c, err := country(ctx, tx, req.Country)
		if err != nil {
			return err
		}
		if step == StepConsent || step == StepRatify {
			if req.By == "" {
				return entente.Errorf(entente.EINVALID, "%s needs the member giving it (--by ISO3)", step)
			}
			if _, err := country(ctx, tx, req.By); err != nil {
				return err
			}
		}
		ms, err := tx.FindMemberships(ctx, entente.Filter{Alliance: a.Code})
		if err != nil {
			return err
		}
		var cur *entente.Membership
		for i := range ms {
			if ms[i].Country == c.Code {
				cur = &ms[i]
			}
		}
		what := "membership " + a.Code + "/" + c.Code
		if cur != nil {
			err = checkVersion(ctx, what, *cur, req.IfMatch)
		} else {
			err = checkNew(what, req.IfMatch)
		}
		if err != nil {
			return err
		}
		if step == StepWithdraw && cur == nil {
			// Withdrawal has its own rule for a state that never joined.
			cur = &entente.Membership{Alliance: a.Code, Country: c.Code}
		}
		if step != StepApply && cur == nil {
			return entente.Errorf(entente.EREFUSED, "accession: %s refused: %s has not applied to join %s; apply first", step, c.Code, a.Code)
		}
		var before any
		if cur != nil {
			before = *cur
		}
		switch step {
		case StepApply:
			out, err = entente.Apply(a, c, ms, d)
		case StepConsent:
			out, err = entente.Consent(a, *cur, ms, req.By, d)
		case StepInvite:
			out, err = entente.Invite(a, *cur, ms, d)
		case StepSign:
			out, err = entente.Sign(a, *cur, d)
		case StepRatify:
			out, err = entente.Ratify(a, *cur, ms, req.By, d)
		case StepDeposit:
			out, err = entente.Deposit(a, *cur, ms, d)
		case StepWithdraw:
			out, err = entente.Withdraw(a, *cur, d)
		default:
			return entente.Errorf(entente.EINVALID, "unknown accession step %q", step)
		}
		if err != nil {
			return err
		}
		if req.DryRun {
			return errDryRun
		}
		if len(out.Sources) == 0 {
			if out.Sources, err = citeWorkflow(ctx, tx); err != nil {
				return err
			}
		}
		write := tx.UpdateMembership
		if cur == nil {
			write = tx.CreateMembership
		}
		if err := write(ctx, &out); err != nil {
			return err
		}
		key := a.Code + "/" + c.Code
		if req.By != "" {
			key += " by " + req.By
		}
		if err := tx.AddAuditEvent(ctx, s.audit(who, "accession."+string(step), "membership", key, before, out)); err != nil {
			return err
		}
		if step == StepDeposit {
			return s.endPartnerships(ctx, tx, who, &out)
		}
		return nil
	})
	if err != nil && !(req.DryRun && errors.Is(err, errDryRun)) {
		return nil, err
	}
	return &out, nil
}

// MayRunAccession reports whether the principal in ctx may run accession
// steps (nil), or why not, as Accession would refuse them: forms are shown
// only to those who may send them.
func MayRunAccession(ctx context.Context) error {
	_, err := authorize(ctx, StaffWork, "", "run accession steps")
	return err
}

// AccessionView is a country's accession to an alliance as its page shows
// it on a day: its membership record, if it has applied, and which members
// have consented or ratified and which not yet.
type AccessionView struct {
	Alliance *entente.Alliance
	Country  *entente.Country
	// Membership is nil before the country applies.
	Membership *entente.Membership
	Status     entente.MembershipStatus
	// Members are the alliance's members on the day, less the country.
	Members []string
	// NoConsent and NoRatification are the members whose consent or
	// ratification is still missing.
	NoConsent, NoRatification []string
	// Verdict is the accession rule's answer for the day: whether the
	// country may be invited, and why, citing the treaty's articles.
	Verdict entente.Verdict
}

// AccessionState reads a country's accession to alliance on asOf (today if
// zero).
func (s *Service) AccessionState(ctx context.Context, alliance, code string, asOf entente.Date) (*AccessionView, error) {
	asOf = s.day(asOf)
	return view(ctx, s, func(r entente.Reader) (*AccessionView, error) {
		a, err := r.FindAlliance(ctx, alliance)
		if err != nil {
			return nil, err
		}
		c, err := country(ctx, r, code)
		if err != nil {
			return nil, err
		}
		ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: a.Code})
		if err != nil {
			return nil, err
		}
		v := &AccessionView{Alliance: a, Country: c, Verdict: entente.CheckAccession(a, c, ms, asOf)}
		v.Members = slices.DeleteFunc(entente.MembersOn(ms, asOf), func(m string) bool { return m == c.Code })
		for i := range ms {
			if ms[i].Country == c.Code {
				m := ms[i]
				v.Membership, v.Status = &m, m.StatusOn(asOf)
			}
		}
		if v.Membership != nil {
			v.NoConsent = without(v.Members, v.Membership.Consents)
			v.NoRatification = without(v.Members, v.Membership.Ratifications)
		} else {
			v.NoConsent, v.NoRatification = v.Members, v.Members
		}
		return v, nil
	})
}

// without returns the codes in all that gave no assent in got.
func without(all []string, got []entente.Assent) []string {
	out := []string{}
	for _, c := range all {
		if !slices.ContainsFunc(got, func(a entente.Assent) bool { return a.Country == c }) {
			out = append(out, c)
		}
	}
	return out
}

// Membership returns a country's membership record with an alliance (its
// accession steps so far), as an accession step names its version;
// ENOTFOUND if the country never applied or the record is hidden from the
// principal.
func (s *Service) Membership(ctx context.Context, alliance, code string) (*entente.Membership, error) {
	return view(ctx, s, func(r entente.Reader) (*entente.Membership, error) {
		ms, err := r.FindMemberships(ctx, entente.Filter{Alliance: alliance, Country: code})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.Alliance == alliance && m.Country == code {
				return &m, nil
			}
		}
		return nil, entente.Errorf(entente.ENOTFOUND, "%s has no membership record with %s: it has not applied", code, alliance)
	})
}

// endPartnerships closes a new member's partnerships with its alliance on
// the day it accedes: a member is not its own alliance's partner (Finland's
// and Sweden's partnerships ended the same way).
func (s *Service) endPartnerships(ctx context.Context, tx entente.Tx, who *entente.Principal, m *entente.Membership) error {
	ps, err := tx.FindPartnerships(ctx, entente.Filter{Alliance: m.Alliance, Country: m.Country})
	if err != nil {
		return err
	}
	for _, p := range ps {
		if entente.CheckPartnership(&p, m) == nil {
			continue
		}
		before := p
		p.To = m.Acceded
		p.Sources = append(p.Sources, WorkflowSource.ID)
		if err := tx.UpdatePartnership(ctx, &p); err != nil {
			return err
		}
		key := p.Alliance + "/" + p.Country + "/" + p.Framework
		if err := tx.AddAuditEvent(ctx, s.audit(who, "partnership.end", "partnership", key, before, p)); err != nil {
			return err
		}
	}
	return nil
}
