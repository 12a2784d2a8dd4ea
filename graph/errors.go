package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/conflictgraph/conflictgraph/domain"
)

// The extensions.code values clients see, one per domain error code.
const (
	CodeBadUserInput = "BAD_USER_INPUT"
	CodeNotFound     = "NOT_FOUND"
	CodeConflict     = "CONFLICT"
	CodeUnavailable  = "UNAVAILABLE"
	CodeTimeout      = "TIMEOUT"
	CodeInternal     = "INTERNAL_SERVER_ERROR"
	// CodeUnauthenticated: no API key where one is needed, or an unknown
	// or revoked one.
	CodeUnauthenticated = "UNAUTHENTICATED"
	// CodeForbidden: the API key's role is too low.
	CodeForbidden = "FORBIDDEN"
)

var gqlCodes = map[domain.Code]string{
	domain.CodeInvalid:         CodeBadUserInput,
	domain.CodeNotFound:        CodeNotFound,
	domain.CodeConflict:        CodeConflict,
	domain.CodeUnavailable:     CodeUnavailable,
	domain.CodeTimeout:         CodeTimeout,
	domain.CodeInternal:        CodeInternal,
	domain.CodeUnauthenticated: CodeUnauthenticated,
	domain.CodeForbidden:       CodeForbidden,
}

// ExtensionCode is the extensions.code clients see for a domain code.
func ExtensionCode(c domain.Code) string { return gqlCodes[c] }

// RequestIDFunc returns the id of the request ctx belongs to, for logs and
// for the errors clients can quote back.
type RequestIDFunc func(ctx context.Context) string

// ErrorPresenter maps every resolver error to a stable extensions.code and a
// plain message, once. Internal errors (a panic included) are logged here, and
// only here, with the request id and, for a panic, its stack; they reach the
// client only as "internal error" and that id. An argument past one of the
// API's maxima keeps BAD_USER_INPUT and adds extensions.reason
// LIMIT_EXCEEDED with the limit and the value.
func ErrorPresenter(log *slog.Logger, requestID RequestIDFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		if _, coded := gerr.Extensions["code"]; coded {
			return gerr // parse, validation and limit errors carry their own codes
		}
		code := domain.ErrorCode(err)
		var own *gqlerror.Error
		if errors.As(err, &own) && own.Err == nil {
			// gqlgen's own complaint about the request (an undecodable
			// body, no operation): the client's mistake, said plainly.
			code = domain.CodeInvalid
			gerr.Message = withoutEchoedBody(gerr.Message)
		}
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		gerr.Extensions["code"] = gqlCodes[code]
		var derr *domain.Error
		if errors.As(err, &derr) && derr.Limit != nil && code == domain.CodeInvalid {
			gerr.Extensions["reason"] = ReasonLimitExceeded
			gerr.Extensions["limit"] = derr.Limit.Max
			gerr.Extensions["value"] = derr.Limit.Value
		}
		if code == domain.CodeInvalid && (derr == nil || len(derr.Problems) == 0) {
			// An argument that did not coerce (a malformed date, say): its
			// path runs through the mutation's input argument.
			if field := inputField(gerr.Path); field != "" {
				gerr.Extensions["field"] = field
				gerr.Message = field + ": " + gerr.Message
			}
		}
		if derr != nil && len(derr.Problems) > 0 && code == domain.CodeInvalid {
			// The argument to fix, and every problem when there are several.
			gerr.Extensions["field"] = derr.Problems[0].Field
			if len(derr.Problems) > 1 {
				list := make([]map[string]string, len(derr.Problems))
				for i, p := range derr.Problems {
					list[i] = map[string]string{"field": p.Field, "message": p.Message}
				}
				gerr.Extensions["problems"] = list
			}
		}
		switch code {
		case domain.CodeInternal:
			id := requestID(ctx)
			attrs := []any{"request_id", id, "path", gerr.Path.String(), "err", err}
			var p *panicError
			if errors.As(err, &p) {
				attrs = append(attrs, "stack", string(p.stack))
			}
			log.ErrorContext(ctx, "internal error", attrs...)
			gerr.Message = "internal error; quote request id " + id + " when reporting it"
			gerr.Extensions["requestId"] = id
		case domain.CodeTimeout:
			gerr.Message = "the request took longer than its deadline"
		case domain.CodeUnavailable:
			gerr.Message = "the graph store is unavailable; retry shortly"
		}
		return gerr
	}
}

// inputField names the input field an argument error's path points at:
// [addRelationship input validFrom] is "input.validFrom". Every mutation
// takes one argument named input, and no output field has that name.
func inputField(path ast.Path) string {
	for i, p := range path {
		if name, ok := p.(ast.PathName); ok && name == "input" {
			var b strings.Builder
			for _, q := range path[i:] {
				switch q := q.(type) {
				case ast.PathName:
					if b.Len() > 0 {
						b.WriteByte('.')
					}
					b.WriteString(string(q))
				case ast.PathIndex:
					fmt.Fprintf(&b, "[%d]", int(q))
				}
			}
			return b.String()
		}
	}
	return ""
}

// ReasonLimitExceeded is the extensions.reason of a BAD_USER_INPUT error for
// an argument past its maximum (first, limit, depth, maxLength).
const ReasonLimitExceeded = "LIMIT_EXCEEDED"

// withoutEchoedBody drops the request body gqlgen appends to its "could not
// be decoded" message: a client does not need its own bytes back, and they
// may be large or not text at all.
func withoutEchoedBody(msg string) string {
	if strings.HasPrefix(msg, "json request body could not be decoded") {
		if i := strings.Index(msg, " body:"); i >= 0 {
			return msg[:i]
		}
	}
	return msg
}

// panicError is a recovered panic: its value and the stack it was raised on,
// for the one log line the presenter writes.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// Recover turns a resolver panic into an internal error carrying the stack;
// the error presenter logs both once, with the request id.
func Recover() graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		return &domain.Error{Code: domain.CodeInternal, Err: &panicError{value: p, stack: debug.Stack()}}
	}
}
