// Package auth tells who sent a request: the API key in its
// `Authorization: Bearer KEY` header (or, for a WebSocket, in its
// connection_init payload), looked up by hash in the backend's
// domain.KeyStore. Resolvers ask For(ctx) who is calling and Require a
// role; the HTTP middleware refuses unknown and revoked keys at the door.
package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Principal is who a request acts as: a key's name (the actor of its
// changes) and role.
type Principal struct {
	Name string
	Role domain.Role
}

type principalKey struct{}

// With returns ctx acting as p.
func With(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// For returns who ctx acts as; nil for a request without a key.
func For(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Require returns who ctx acts as when its role allows need:
// UNAUTHENTICATED without a key, FORBIDDEN with too low a role.
func Require(ctx context.Context, need domain.Role) (*Principal, error) {
	p := For(ctx)
	if p == nil {
		return nil, &domain.Error{Code: domain.CodeUnauthenticated,
			Message: "this needs an API key with role " + string(need) + " or above: send it as the header Authorization: Bearer KEY (conflictgraph keys add makes one)"}
	}
	if !p.Role.Allows(need) {
		return nil, &domain.Error{Code: domain.CodeForbidden,
			Message: "the API key " + p.Name + " has role " + string(p.Role) + "; this needs " + string(need) + " or above"}
	}
	return p, nil
}

// Authenticator looks keys up for requests.
type Authenticator struct {
	// Keys holds the API keys; nil for a server without any (every key is
	// then unknown).
	Keys domain.KeyStore
	// RequireForReads refuses requests without a key, reads included.
	RequireForReads bool
}

// Authenticate returns who a credential (an Authorization header value,
// "Bearer KEY") acts as. No credential gives nil, or UNAUTHENTICATED when
// reads need a key; a malformed, unknown or revoked one is UNAUTHENTICATED;
// a key store that cannot answer is its own error (UNAVAILABLE).
func (a *Authenticator) Authenticate(ctx context.Context, credential string) (*Principal, error) {
	credential = strings.TrimSpace(credential)
	if credential == "" {
		if a.RequireForReads {
			return nil, &domain.Error{Code: domain.CodeUnauthenticated,
				Message: "this server needs an API key for every request: send it as the header Authorization: Bearer KEY"}
		}
		return nil, nil
	}
	scheme, secret, ok := strings.Cut(credential, " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return nil, &domain.Error{Code: domain.CodeUnauthenticated, Message: "the Authorization header must be \"Bearer KEY\", KEY being an API key"}
	}
	if a.Keys == nil {
		return nil, unknownKey()
	}
	key, err := a.Keys.KeyByHash(ctx, domain.KeyHash(secret))
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return nil, unknownKey()
	case err != nil:
		return nil, err
	case !key.Active():
		return nil, &domain.Error{Code: domain.CodeUnauthenticated, Message: "this API key was revoked on " + key.Revoked.Format("2006-01-02 15:04 UTC")}
	}
	return &Principal{Name: key.Name, Role: key.Role}, nil
}

func unknownKey() error {
	return &domain.Error{Code: domain.CodeUnauthenticated, Message: "this API key is not known to the server"}
}
