package domain_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

func TestSearchQueryLimits(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		limit  int // 0: valid
		value  int
		reason string
	}{
		{"the longest name in the graph", "Atrocities, including massacres, by armed groups, state security forces and Russian personnel", 0, 0, ""},
		{"text at the character limit", strings.Repeat("é", domain.MaxSearchText), 0, 0, ""},
		{"words at the limit", strings.TrimSpace(strings.Repeat("ab ", domain.MaxSearchWords)), 0, 0, ""},
		{"one character too many", strings.Repeat("é", domain.MaxSearchText+1), domain.MaxSearchText, domain.MaxSearchText + 1, "characters"},
		{"the 900 KB attack of short words", strings.Repeat("a b ", 225_000), domain.MaxSearchText, 900_000, "characters"},
		{"one 500 KB word", strings.Repeat("x", 500_000), domain.MaxSearchText, 500_000, "characters"},
		{"one word too many", strings.TrimSpace(strings.Repeat("a ", domain.MaxSearchWords+1)), domain.MaxSearchWords, domain.MaxSearchWords + 1, "words"},
		{"words split by punctuation count too", strings.Repeat("a,", 100), domain.MaxSearchWords, 100, "words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := domain.SearchQuery{Text: tt.text, First: 10}.Validate()
			if tt.limit == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var derr *domain.Error
			if !errors.As(err, &derr) || derr.Code != domain.CodeInvalid || derr.Limit == nil {
				t.Fatalf("err = %v, want INVALID with a limit", err)
			}
			if derr.Limit.Argument != "text" || derr.Limit.Max != tt.limit || derr.Limit.Value != tt.value || !strings.Contains(derr.Message, tt.reason) {
				t.Errorf("limit %+v %q, want text %d %d %s", derr.Limit, derr.Message, tt.limit, tt.value, tt.reason)
			}
		})
	}
}

func TestContextErrors(t *testing.T) {
	if domain.ContextError(context.Background(), "x") != nil {
		t.Error("a live context has no error")
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := domain.ContextError(cancelled, "the query"); domain.ErrorCode(err) != domain.CodeCanceled {
		t.Errorf("cancelled: %v", err)
	}
	expired, cancel := context.WithTimeout(context.Background(), -1)
	defer cancel()
	if err := domain.ContextError(expired, "the query"); domain.ErrorCode(err) != domain.CodeTimeout {
		t.Errorf("expired: %v", err)
	}
	if domain.ErrorCode(context.Canceled) != domain.CodeCanceled || domain.ErrorCode(context.DeadlineExceeded) != domain.CodeTimeout {
		t.Error("bare context errors keep their codes")
	}
}
