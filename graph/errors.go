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
	CodeCanceled     = "CANCELED"
	CodeOverloaded   = "OVERLOADED"
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
	domain.CodeCanceled:        CodeCanceled,
	domain.CodeOverloaded:      CodeOverloaded,
	domain.CodeInternal:        CodeInternal,
	domain.CodeUnauthenticated: CodeUnauthenticated,
	domain.CodeForbidden:       CodeForbidden,
}

// ExtensionCode is the extensions.code clients see for a domain code.
func ExtensionCode(c domain.Code) string { return gqlCodes[c] }

// RequestIDFunc returns the id of the request ctx belongs to, for logs and
// for the errors clients can quote back.
type RequestIDFunc func(ctx context.Context) string

// Presented is an error as a client sees it, over GraphQL or plain HTTP.
type Presented struct {
	Code    string        // the extensions.code
	Message string        // what went wrong, without the cause behind it
	Limit   *domain.Limit // an argument past its maximum, for reason LIMIT_EXCEEDED
	// Problems locate bad input by field (a write's "input.citations[0].source"),
	// the first the one to fix first.
	Problems []domain.Problem
	// RequestID is set on an internal error: the client can quote it, and
	// the one log line of the error has it too.
	RequestID string
}

// The messages of the codes whose cause a client must not see, or whose
// words are the same whatever the cause.
const (
	MessageTimeout     = "the request took longer than its deadline"
	MessageCanceled    = "the request was cancelled before it was answered"
	MessageUnavailable = "the graph store is unavailable; retry shortly"
)

// Present decides, in one place for GraphQL and for plain HTTP, what a
// client is shown of err: the code of the first domain.Error in its chain
// and that error's own message, never the cause it wraps (a driver's
// address, a statement) nor the context it was wrapped in on the way up.
// TIMEOUT and CANCELED have fixed words; an internal error (any error
// without a code, a panic included) is logged here, once, with the request
// id and attrs, and reaches the client only as that id.
func Present(ctx context.Context, log *slog.Logger, requestID RequestIDFunc, err error, attrs ...any) Presented {
	code := domain.ErrorCode(err)
	p := Presented{Code: gqlCodes[code]}
	var derr *domain.Error
	if errors.As(err, &derr) {
		p.Message = derr.Message
		if derr.Limit != nil && code == domain.CodeInvalid {
			p.Limit = derr.Limit
		}
		if code == domain.CodeInvalid {
			p.Problems = derr.Problems
		}
	}
	switch code {
	case domain.CodeInternal:
		p.RequestID = requestID(ctx)
		attrs = append([]any{"request_id", p.RequestID}, attrs...)
		attrs = append(attrs, "err", err)
		var pe *panicError
		if errors.As(err, &pe) {
			attrs = append(attrs, "stack", string(pe.stack))
		}
		log.ErrorContext(ctx, "internal error", attrs...)
		p.Message = "internal error; quote request id " + p.RequestID + " when reporting it"
	case domain.CodeTimeout:
		p.Message = MessageTimeout
	case domain.CodeCanceled:
		p.Message = MessageCanceled
	case domain.CodeUnavailable:
		if p.Message == "" {
			p.Message = MessageUnavailable
		}
	}
	if p.Message == "" {
		p.Message = strings.ToLower(string(code))
	}
	return p
}

// ErrorPresenter maps every resolver error to a stable extensions.code and a
// plain message, once, through Present. An argument past one of the API's
// maxima keeps BAD_USER_INPUT and adds extensions.reason LIMIT_EXCEEDED with
// the limit and the value.
func ErrorPresenter(log *slog.Logger, requestID RequestIDFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		if _, coded := gerr.Extensions["code"]; coded {
			return gerr // parse, validation and limit errors carry their own codes
		}
		var own *gqlerror.Error
		if errors.As(err, &own) && own.Err == nil {
			// gqlgen's own complaint about the request (an undecodable
			// body, no operation): the client's mistake, said plainly.
			gerr.Message = withoutEchoedBody(gerr.Message)
			if gerr.Extensions == nil {
				gerr.Extensions = map[string]any{}
			}
			gerr.Extensions["code"] = CodeBadUserInput
			return gerr
		}
		p := Present(ctx, log, requestID, err, "path", gerr.Path.String())
		gerr.Message = p.Message
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		gerr.Extensions["code"] = p.Code
		if p.Limit != nil {
			gerr.Extensions["reason"] = ReasonLimitExceeded
			gerr.Extensions["limit"] = p.Limit.Max
			gerr.Extensions["value"] = p.Limit.Value
		}
		switch {
		case len(p.Problems) > 0:
			// The argument to fix, and every problem when there are several.
			gerr.Extensions["field"] = p.Problems[0].Field
			if len(p.Problems) > 1 {
				list := make([]map[string]string, len(p.Problems))
				for i, prob := range p.Problems {
					list[i] = map[string]string{"field": prob.Field, "message": prob.Message}
				}
				gerr.Extensions["problems"] = list
			}
		case p.Code == CodeBadUserInput:
			// An argument that did not coerce (a malformed date, say): its
			// path runs through the mutation's input argument.
			if field := inputField(gerr.Path); field != "" {
				gerr.Extensions["field"] = field
				gerr.Message = field + ": " + gerr.Message
			}
		}
		if p.RequestID != "" {
			gerr.Extensions["requestId"] = p.RequestID
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
