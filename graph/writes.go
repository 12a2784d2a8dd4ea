package graph

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/conflictgraph/conflictgraph/auth"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/graph/model"
)

// HasRole is the @hasRole directive: the field resolves only for a request
// whose API key has at least the role.
func HasRole(ctx context.Context, _ any, next graphql.Resolver, role domain.Role) (any, error) {
	if _, err := auth.Require(ctx, role); err != nil {
		return nil, err
	}
	return next(ctx)
}

// changeCursor marks cursors of the change feed.
const changeCursor = "change:"

func encodeChangeCursor(rev int64) string {
	return encodeCursor(changeCursor, strconv.FormatInt(rev, 10))
}

// decodeChangeCursor returns the revision a feed cursor names; ok is false
// when there is no cursor.
func decodeChangeCursor(after *string) (rev int64, ok bool, err error) {
	s, err := decodeCursor(changeCursor, after)
	if err != nil || s == "" {
		return 0, false, err
	}
	rev, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil || rev < 0 {
		return 0, false, domain.Invalidf("after: %q is not a cursor of the change feed", *after)
	}
	return rev, true, nil
}

// apply runs one mutation's change set as the request's principal. element
// is where the mutation's input sits in the change set ("relationships[0]"),
// so a problem is reported at the argument the client sent ("input.from").
func (r *mutationResolver) apply(ctx context.Context, element string, cs *domain.ChangeSet, reason *string, expected *int) (*domain.Change, error) {
	p, err := auth.Require(ctx, domain.RoleEditor)
	if err != nil {
		return nil, err
	}
	cs.Actor = p.Name
	if reason != nil {
		cs.Reason = *reason
	}
	if expected != nil {
		rev := int64(*expected)
		cs.ExpectedRevision = &rev
	}
	ch, err := r.Store.Apply(ctx, cs)
	if err != nil {
		return nil, atInput(err, element)
	}
	return ch, nil
}

// atInput moves the problems of a change set's element to the mutation's
// input argument: "relationships[0].citations[1].source" becomes
// "input.citations[1].source", and the change set's own fields ("reason")
// theirs.
func atInput(err error, element string) error {
	var derr *domain.Error
	if !errors.As(err, &derr) || len(derr.Problems) == 0 {
		return err
	}
	out := *derr
	out.Problems = make([]domain.Problem, len(derr.Problems))
	msgs := make([]string, len(derr.Problems))
	for i, p := range derr.Problems {
		field := strings.TrimPrefix(strings.TrimPrefix(p.Field, element), ".")
		if field == "" {
			field = "input"
		} else {
			field = "input." + field
		}
		out.Problems[i] = domain.Problem{Field: field, Message: p.Message}
		msgs[i] = out.Problems[i].String()
	}
	out.Message = strings.Join(msgs, "; ")
	return &out
}

// changed is the change a payload shows: nil when nothing changed.
func changed(ch *domain.Change) *domain.Change {
	if ch == nil || ch.Unchanged() {
		return nil
	}
	return ch
}

func citations(in []*model.CitationInput) []domain.Citation {
	out := make([]domain.Citation, len(in))
	for i, c := range in {
		out[i] = domain.Citation{SourceID: c.Source, Quote: c.Quote, Locator: deref(c.Locator)}
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// patch turns an upsertEntity input into a domain patch: an omitted field
// is nil (kept), a null one points at the zero value (cleared).
func patch(in model.UpsertEntityInput) *domain.EntityPatch {
	p := &domain.EntityPatch{ID: in.ID, Citations: citations(in.Citations)}
	setString := func(dst **string, o graphql.Omittable[*string]) {
		if v, ok := o.ValueOK(); ok {
			s := deref(v)
			*dst = &s
		}
	}
	setDate := func(dst **domain.PartialDate, o graphql.Omittable[*domain.PartialDate]) {
		if v, ok := o.ValueOK(); ok {
			d := deref(v)
			*dst = &d
		}
	}
	setCount := func(dst ***int, o graphql.Omittable[*int]) {
		if v, ok := o.ValueOK(); ok {
			*dst = &v
		}
	}
	if v, ok := in.Kind.ValueOK(); ok {
		k := deref(v)
		p.Kind = &k
	}
	if v, ok := in.Category.ValueOK(); ok {
		c := deref(v)
		p.Category = &c
	}
	if v, ok := in.Aliases.ValueOK(); ok {
		aliases := append([]string{}, v...)
		p.Aliases = &aliases
	}
	setString(&p.Name, in.Name)
	setString(&p.Summary, in.Summary)
	setString(&p.ISO3, in.Iso3)
	setString(&p.Role, in.Role)
	setString(&p.Place, in.Place)
	setString(&p.Program, in.Program)
	setString(&p.Authority, in.Authority)
	setString(&p.Agency, in.Agency)
	setDate(&p.Date, in.Date)
	setDate(&p.Started, in.Started)
	setDate(&p.Ended, in.Ended)
	setCount(&p.Killed, in.Killed)
	setCount(&p.Injured, in.Injured)
	return p
}

// relationship turns an addRelationship input into a claim; INVALID at
// input.amount.value for an amount that is not exact in its currency.
func relationship(in model.AddRelationshipInput) (*domain.Relationship, error) {
	r := &domain.Relationship{Type: in.Type, FromID: in.From, ToID: in.To, ValidFrom: deref(in.ValidFrom), ValidTo: deref(in.ValidTo),
		Count: in.Count, Description: deref(in.Description), Certainty: in.Certainty, Attribution: deref(in.Attribution),
		Citations: citations(in.Citations)}
	if m := in.Amount; m != nil {
		r.Amount = &domain.Money{Currency: m.Currency, Qualifier: m.Qualifier, FiscalYear: m.FiscalYear, Period: deref(m.Period)}
		// An unknown currency is reported at the currency, by the domain.
		if _, err := domain.CurrencyScale(m.Currency); err == nil {
			amount := func(field, value string) (int64, error) {
				minor, err := domain.ParseAmount(value, m.Currency)
				if err != nil {
					return 0, domain.InvalidField("input.amount."+field, "%s", err.Error())
				}
				return minor, nil
			}
			var err error
			if r.Amount.Minor, err = amount("value", m.Value); err != nil {
				return nil, err
			}
			for _, b := range []struct {
				field string
				text  *string
				dst   **int64
			}{{"low", m.Low, &r.Amount.Low}, {"high", m.High, &r.Amount.High}} {
				if b.text != nil {
					v, err := amount(b.field, *b.text)
					if err != nil {
						return nil, err
					}
					*b.dst = &v
				}
			}
		}
	}
	return r, nil
}

// afterOf returns what ch left of the relationship with id, or reads it
// when ch did not touch it.
func (r *mutationResolver) relationshipAfter(ctx context.Context, ch *domain.Change, id string) (*domain.Relationship, error) {
	for _, rc := range ch.Relationships {
		if rc.After.ID == id {
			return rc.After, nil
		}
	}
	rels, err := r.Store.RelationshipsByIDs(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if rels[0] == nil {
		return nil, &domain.Error{Code: domain.CodeInternal, Message: fmt.Sprintf("relationship %s is gone after the change", id)}
	}
	return rels[0], nil
}

func (r *mutationResolver) keys() (domain.KeyStore, error) {
	if r.Keys == nil {
		return nil, &domain.Error{Code: domain.CodeUnavailable, Message: "this server keeps no API keys: run it with --data-dir or on Neo4j"}
	}
	return r.Keys, nil
}

// follow sends out every change after revision last, in order, until ctx
// ends. It reads the store's own feed, so nothing is missed or repeated;
// it looks again when this process writes (r.Feed) or every r.Poll, for
// writes by other processes. A store that fails for a moment is asked
// again at the next look.
func (r *subscriptionResolver) follow(ctx context.Context, last int64, out chan<- *domain.Change) {
	defer close(out)
	poll := r.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	for {
		page, err := r.Store.Changes(ctx, domain.ChangeQuery{After: last, First: 100})
		if err == nil {
			for _, c := range page.Changes {
				select {
				case out <- c:
					last = c.Revision
				case <-ctx.Done():
					return
				}
			}
			if page.HasNext {
				continue
			}
		}
		if r.Feed != nil {
			err = r.Feed.Wait(ctx, last, poll)
		} else {
			err = sleep(ctx, poll)
		}
		if err != nil {
			return
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// firstOf returns the first n elements of a change's list (default 100),
// INVALID past MaxChangeSetSize.
func firstOf[T any](list []T, first *int) ([]*T, error) {
	n := intArg(first, 100)
	if n < 0 || n > domain.MaxChangeSetSize {
		return nil, domain.LimitExceeded("first", 0, domain.MaxChangeSetSize, n)
	}
	out := make([]*T, 0, min(n, len(list)))
	for i := range list[:min(n, len(list))] {
		out = append(out, &list[i])
	}
	return out, nil
}
