package domain_test

import (
	"errors"
	"math"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

func TestParseAmountAndDecimal(t *testing.T) {
	tests := []struct {
		value, currency string
		minor           int64
		decimal         string // Decimal of the parsed amount
	}{
		{"10000000", "USD", 1_000_000_000, "10000000.00"},
		{"10_000_000", "USD", 1_000_000_000, "10000000.00"},
		{"2.5", "USD", 250, "2.50"},
		{"0.05", "USD", 5, "0.05"},
		{"0", "USD", 0, "0.00"},
		{"007", "EUR", 700, "7.00"},
		{"500", "JPY", 500, "500"},
		{"0.250", "BHD", 250, "0.250"},
		{"1.5", "BHD", 1500, "1.500"},
		{"90071992547409.93", "USD", 9007199254740993, "90071992547409.93"}, // past 2^53: no float holds it
		{"92233720368547758.07", "USD", math.MaxInt64, "92233720368547758.07"},
	}
	for _, tt := range tests {
		minor, err := domain.ParseAmount(tt.value, tt.currency)
		if err != nil || minor != tt.minor {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", tt.value, tt.currency, minor, err, tt.minor)
			continue
		}
		if got := (domain.Money{Minor: minor, Currency: tt.currency}).Decimal(); got != tt.decimal {
			t.Errorf("Decimal of %s %s = %q, want %q", tt.value, tt.currency, got, tt.decimal)
		}
	}
	for _, tt := range []struct{ value, currency string }{
		{"5.9e6", "USD"},             // exponents may have rounded
		{"-1", "USD"},                // amounts are 0 or more
		{"2.555", "USD"},             // more decimals than the cent
		{"1.5", "JPY"},               // yen have none
		{".5", "USD"}, {"5.", "USD"}, // digits on both sides of the point
		{"", "USD"}, {"ten", "USD"}, {"1,000", "USD"}, {"1 000", "USD"},
		{"92233720368547758.08", "USD"}, // too large to hold
		{"10", "XYZ"}, {"10", "usd"},    // not ISO 4217
	} {
		if _, err := domain.ParseAmount(tt.value, tt.currency); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("ParseAmount(%q, %q): err = %v, want INVALID", tt.value, tt.currency, err)
		}
	}
}

func TestMoneyDecimalEdges(t *testing.T) {
	tests := []struct {
		m    domain.Money
		want string
	}{
		{domain.Money{Minor: -250, Currency: "USD"}, "-2.50"},
		{domain.Money{Minor: -5, Currency: "USD"}, "-0.05"},
		{domain.Money{Minor: math.MinInt64, Currency: "USD"}, "-92233720368547758.08"},
		{domain.Money{Minor: 7, Currency: "CLF"}, "0.0007"}, // four decimals
		{domain.Money{Minor: 12, Currency: "XXQ"}, "12"},    // unknown: minor units as they are
	}
	for _, tt := range tests {
		if got := tt.m.Decimal(); got != tt.want {
			t.Errorf("Decimal(%+v) = %q, want %q", tt.m, got, tt.want)
		}
	}
}

func TestMoneyAdd(t *testing.T) {
	a := domain.Money{Minor: 10, Currency: "BHD", Qualifier: domain.QualifierExact}
	b := domain.Money{Minor: 20, Currency: "BHD", Qualifier: domain.QualifierAbout}
	sum, err := a.Add(b)
	if err != nil || sum.Minor != 30 || sum.Qualifier != domain.QualifierExact || sum.Decimal() != "0.030" {
		t.Errorf("0.010 + 0.020 BHD = %+v (%s), %v", sum, sum.Decimal(), err)
	}
	if _, err := a.Add(domain.Money{Minor: 1, Currency: "USD"}); !errors.Is(err, domain.ErrInternal) {
		t.Errorf("BHD + USD: err = %v, want INTERNAL", err)
	}
	huge := domain.Money{Minor: math.MaxInt64, Currency: "USD"}
	if _, err := huge.Add(domain.Money{Minor: 1, Currency: "USD"}); !errors.Is(err, domain.ErrInternal) {
		t.Errorf("overflow: err = %v, want INTERNAL", err)
	}
	low := domain.Money{Minor: math.MinInt64, Currency: "USD"}
	if _, err := low.Add(domain.Money{Minor: -1, Currency: "USD"}); !errors.Is(err, domain.ErrInternal) {
		t.Errorf("underflow: err = %v, want INTERNAL", err)
	}
}

func TestCurrencyScale(t *testing.T) {
	for code, want := range map[string]int{"USD": 2, "EUR": 2, "XOF": 0, "JPY": 0, "BHD": 3} {
		if got, err := domain.CurrencyScale(code); err != nil || got != want {
			t.Errorf("CurrencyScale(%s) = %d, %v; want %d", code, got, err, want)
		}
	}
	for _, code := range []string{"", "usd", "US", "USDD", "XYZ"} {
		if _, err := domain.CurrencyScale(code); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("CurrencyScale(%q): err = %v, want INVALID", code, err)
		}
	}
}
