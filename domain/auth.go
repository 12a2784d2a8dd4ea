package domain

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// Role is what an API key may do. Each role may do what the ones before it
// may: a reader reads, an editor also writes the graph, an admin also
// manages keys.
type Role string

// The roles, from least to most allowed.
const (
	RoleReader Role = "reader"
	RoleEditor Role = "editor"
	RoleAdmin  Role = "admin"
)

// Roles lists the roles from least to most allowed.
var Roles = []Role{RoleReader, RoleEditor, RoleAdmin}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Allows reports whether a key of role r may do what needs role need.
func (r Role) Allows(need Role) bool {
	return r.Valid() && slices.Index(Roles, r) >= slices.Index(Roles, need)
}

// APIKey is a key's record: its name (the actor its writes are recorded
// under), its role, and the hash of its secret. The secret itself is shown
// once, when the key is made, and stored nowhere.
type APIKey struct {
	Name    string
	Role    Role
	Hash    string // KeyHash of the secret
	Created time.Time
	Revoked time.Time // zero while the key works
}

// Active reports whether the key still works.
func (k *APIKey) Active() bool { return k.Revoked.IsZero() }

// KeyStore keeps API keys. Every backend has one, beside its graph, so a
// key made with `conflictgraph keys add` works on the server that shares
// its storage.
type KeyStore interface {
	// AddKey stores a new key; CONFLICT when the name is taken (by a
	// revoked key too, so a name in the audit trail means one key).
	AddKey(ctx context.Context, k *APIKey) error
	// KeyByHash returns the key whose secret hashes to hash, revoked or
	// not; NOT_FOUND when there is none.
	KeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// Keys returns every key, ordered by name.
	Keys(ctx context.Context) ([]*APIKey, error)
	// RevokeKey stops the named key working from at on; NOT_FOUND when
	// there is no such key. Revoking a revoked key changes nothing.
	RevokeKey(ctx context.Context, name string, at time.Time) error
}

// keyPrefix starts every secret, so a leaked one is recognisable (secret
// scanners look for such prefixes).
const keyPrefix = "cgk_"

// NewAPIKey makes a key named name with role: the record to store and the
// secret to show its owner once. INVALID for a bad name or role.
func NewAPIKey(name string, role Role, now time.Time) (*APIKey, string, error) {
	if err := ValidateKeyName(name); err != nil {
		return nil, "", err
	}
	if !role.Valid() {
		return nil, "", InvalidField("role", "role %q is not one of %v", role, Roles)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, "", &Error{Code: CodeInternal, Message: "read random bytes for a key", Err: err}
	}
	secret := keyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return &APIKey{Name: name, Role: role, Hash: KeyHash(secret), Created: now.UTC().Truncate(time.Microsecond)}, secret, nil
}

// ValidateKeyName accepts names that read well as an actor in the audit
// trail: a slug of at most MaxActorLength bytes, such as "alice" or
// "acled-importer".
func ValidateKeyName(name string) error {
	if name == "" {
		return InvalidField("name", "required: the key's name, recorded as the actor of its changes")
	}
	if len(name) > MaxActorLength || !isSlugShape(name) {
		return InvalidField("name", "key names are lower-case words joined by hyphens, at most %d bytes, got %q", MaxActorLength, name)
	}
	return nil
}

// KeyHash is the stored form of a secret: its SHA-256, in hex. Secrets
// carry 256 random bits, so a fast hash is enough; no one can guess one
// from its hash.
func KeyHash(secret string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(sum[:])
}
