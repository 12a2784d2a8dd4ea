package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error so that every transport can present it the same
// way (the GraphQL layer maps each to one extensions.code).
type Code string

// The error codes stores and services return.
const (
	CodeNotFound    Code = "NOT_FOUND"   // the thing asked for does not exist
	CodeInvalid     Code = "INVALID"     // the caller's input is malformed or out of range
	CodeConflict    Code = "CONFLICT"    // the write contradicts what is stored
	CodeUnavailable Code = "UNAVAILABLE" // the backend cannot be reached now; retry later
	CodeTimeout     Code = "TIMEOUT"     // the request's deadline passed
	CodeCanceled    Code = "CANCELED"    // the caller gave up (a client hung up) before the answer
	CodeOverloaded  Code = "OVERLOADED"  // too much work in progress to take this on now; retry after a moment
	CodeInternal    Code = "INTERNAL"    // a bug or an unexpected backend answer
	// CodeUnauthenticated: the request needs an API key and has none, or
	// one the server does not know (or that was revoked).
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	// CodeForbidden: the request's API key has too low a role.
	CodeForbidden Code = "FORBIDDEN"
)

// Error is the project's one error type: a code for machines, a message for
// people, and the underlying cause for logs.
type Error struct {
	Code    Code
	Message string
	Err     error
	// Limit is set on an INVALID error for an argument past a maximum the
	// API sets, so clients can tell a limit from other bad input.
	Limit *Limit
	// Problems locates an INVALID input's faults by field, for transports
	// that point at the argument (the first is the one to fix first).
	Problems []Problem
}

// Limit is a maximum one request may not exceed and the value it asked for.
type Limit struct {
	Argument string // the argument, e.g. first
	Max      int    // the largest value allowed
	Value    int    // the value asked for
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) and friends match any Error with the
// same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Err == nil && t.Code == e.Code
}

// Sentinels for errors.Is: each matches every Error carrying its code.
var (
	ErrNotFound    = &Error{Code: CodeNotFound}
	ErrInvalid     = &Error{Code: CodeInvalid}
	ErrConflict    = &Error{Code: CodeConflict}
	ErrUnavailable = &Error{Code: CodeUnavailable}
	ErrTimeout     = &Error{Code: CodeTimeout}
	ErrCanceled    = &Error{Code: CodeCanceled}
	ErrOverloaded  = &Error{Code: CodeOverloaded}
	ErrInternal    = &Error{Code: CodeInternal}
	// ErrUnauthenticated matches every UNAUTHENTICATED error.
	ErrUnauthenticated = &Error{Code: CodeUnauthenticated}
	// ErrForbidden matches every FORBIDDEN error.
	ErrForbidden = &Error{Code: CodeForbidden}
)

// Invalidf returns an INVALID error whose message says what is wrong with the
// input.
func Invalidf(format string, args ...any) error {
	return &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, args...)}
}

// LimitExceeded returns the INVALID error for an argument past its maximum:
// the message gives the allowed range and the value, and Limit carries them.
func LimitExceeded(argument string, min, max, value int) error {
	return &Error{
		Code:    CodeInvalid,
		Message: fmt.Sprintf("%s must be between %d and %d, got %d", argument, min, max, value),
		Limit:   &Limit{Argument: argument, Max: max, Value: value},
	}
}

// InvalidField returns an INVALID error about one field of the input, which
// transports point at (GraphQL's extensions.field).
func InvalidField(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: CodeInvalid, Message: field + ": " + msg, Problems: []Problem{{Field: field, Message: msg}}}
}

// Conflictf returns a CONFLICT error: the write contradicts what is stored
// (a stale expected revision, an id taken).
func Conflictf(format string, args ...any) error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

// UnderField returns err with every problem's field moved under prefix
// ("citations[0]" under "input" is "input.citations[0]"), so a transport can
// name the argument a user sent; other errors come back as they are.
func UnderField(err error, prefix string) error {
	var e *Error
	if !errors.As(err, &e) || len(e.Problems) == 0 {
		return err
	}
	c := *e
	c.Problems = make([]Problem, len(e.Problems))
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		c.Problems[i] = Problem{Field: joinPath(prefix, p.Field), Message: p.Message}
		msgs[i] = c.Problems[i].String()
	}
	c.Message = strings.Join(msgs, "; ")
	return &c
}

// NotFoundf returns a NOT_FOUND error naming what was missing.
func NotFoundf(format string, args ...any) error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first Error in err's chain, TIMEOUT for a
// passed deadline, CANCELED for a cancelled context, INTERNAL for any other
// error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	}
	return CodeInternal
}

// ContextError returns the TIMEOUT or CANCELED error for a context that has
// ended (ctx.Err() is not nil), naming what was cut short and keeping the
// cause for the logs; nil while ctx is still live.
func ContextError(ctx context.Context, what string) error {
	switch err := ctx.Err(); {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Code: CodeTimeout, Message: what + " ran out of time", Err: err}
	default:
		return &Error{Code: CodeCanceled, Message: what + " was cancelled", Err: err}
	}
}
