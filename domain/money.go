package domain

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// Money is an amount as its source states it, held exactly: Minor counts
// the currency's minor units (cents for USD, yen for JPY), so $10 million is
// Minor 1_000_000_000 and sums never round. The API, the exports and every
// other writer show it with Decimal.
type Money struct {
	Minor int64 // the amount, or a range's best estimate (its low end when the source gives none)
	// Low and High bound a range the source gives ("between $5 million and
	// $8 million"), in minor units, where it gives one.
	Low, High  *int64
	Currency   string // ISO 4217, e.g. USD
	Qualifier  Qualifier
	FiscalYear *int   // the fiscal year the amount belongs to, where stated
	Period     Period // a rate's period: PER_MONTH for "$10 million per month"; empty for a total
}

// DecimalOf writes an amount of m's currency, in minor units, as Decimal
// writes m: for a range's bounds.
func (m Money) DecimalOf(minor int64) string {
	m.Minor = minor
	return m.Decimal()
}

// CurrencyScale returns the number of decimal places of the currency's
// minor unit, from the ISO 4217 table of golang.org/x/text/currency: 2 for
// USD and EUR, 0 for JPY and XOF, 3 for BHD. INVALID for a code that is not
// an ISO 4217 currency.
func CurrencyScale(code string) (int, error) {
	u, err := currency.ParseISO(code)
	if err != nil || u.String() != code {
		return 0, Invalidf("currency %q is not an ISO 4217 code such as USD", code)
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, nil
}

// ParseAmount reads value, a decimal number of the currency's major unit as
// a source or a client writes it ("10000000", "2.5", "0.05", with _ or none
// between digits), into minor units, exactly. INVALID when value is not such
// a number of 0 or more, has more decimals than the currency has (a third
// decimal of a USD amount), or is too large to hold.
func ParseAmount(value, code string) (int64, error) {
	scale, err := CurrencyScale(code)
	if err != nil {
		return 0, err
	}
	digits := strings.ReplaceAll(value, "_", "")
	whole, frac, hasPoint := strings.Cut(digits, ".")
	if whole == "" || (hasPoint && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return 0, Invalidf("amount %q is not a decimal number such as 10000000 or 2.5", value)
	}
	if len(frac) > scale {
		return 0, Invalidf("amount %q has %d decimals; %s has %d", value, len(frac), code, scale)
	}
	frac += strings.Repeat("0", scale-len(frac))
	minor, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, Invalidf("amount %q is too large", value)
	}
	return minor, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Decimal writes the amount exactly, in the currency's major unit with as
// many decimals as its minor unit has: "10000000.00" for ten million USD,
// "500" for 500 JPY, "0.250" for a quarter of a BHD. It is the one way every
// writer (the GraphQL Decimal scalar, the exports) renders an amount. A
// currency CurrencyScale does not know is written in its minor units, as
// they are; Graph.CheckShape keeps such amounts out of every store.
func (m Money) Decimal() string {
	scale, err := CurrencyScale(m.Currency)
	if err != nil {
		scale = 0
	}
	digits := strconv.FormatUint(absUint(m.Minor), 10)
	sign := ""
	if m.Minor < 0 {
		sign = "-"
	}
	if scale == 0 {
		return sign + digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}

func absUint(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1 // math.MinInt64 too
	}
	return uint64(n)
}

// Add returns m with o's amount added, exactly; the qualifier and fiscal
// year stay m's, for the caller to settle (SumQualifier). INTERNAL when the
// currencies differ (totals never mix them) or the sum is too large to hold
// (past 92 quadrillion dollars).
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return m, fmt.Errorf("add %s to %s: amounts of different currencies: %w", o.Currency, m.Currency, ErrInternal)
	}
	if m.Period != o.Period {
		return m, fmt.Errorf("add an amount %s to one %s: a rate and a total, or rates of different periods: %w", periodText(o.Period), periodText(m.Period), ErrInternal)
	}
	sum, err := addMinor(m.Currency, m.Minor, o.Minor)
	if err != nil {
		return m, err
	}
	// A range in either makes the sum a range: an amount without one is
	// its own low and high.
	if m.Low != nil || m.High != nil || o.Low != nil || o.High != nil {
		low, err := addMinor(m.Currency, bound(m.Low, m.Minor), bound(o.Low, o.Minor))
		if err != nil {
			return m, err
		}
		high, err := addMinor(m.Currency, bound(m.High, m.Minor), bound(o.High, o.Minor))
		if err != nil {
			return m, err
		}
		m.Low, m.High = &low, &high
	}
	m.Minor = sum
	return m, nil
}

func bound(b *int64, value int64) int64 {
	if b == nil {
		return value
	}
	return *b
}

func addMinor(currency string, a, b int64) (int64, error) {
	sum := a + b
	if (b > 0 && sum < a) || (b < 0 && sum > a) {
		return 0, fmt.Errorf("a sum of %s amounts is too large to hold exactly: %w", currency, ErrInternal)
	}
	return sum, nil
}

func periodText(p Period) string {
	if p == PeriodTotal {
		return "in total"
	}
	return strings.ToLower(strings.ReplaceAll(string(p), "_", " "))
}

// SumQualifier is the qualifier of a sum of amounts with these qualifiers:
// exact amounts add up exactly; "at least" amounts make an "at least" sum
// and "at most" ones an "at most" sum; bounds pulling both ways, or any
// approximate amount, make the sum approximate.
func SumQualifier(qs ...Qualifier) Qualifier {
	var atLeast, atMost bool
	for _, q := range qs {
		switch q {
		case QualifierAbout:
			return QualifierAbout
		case QualifierAtLeast:
			atLeast = true
		case QualifierAtMost:
			atMost = true
		}
	}
	switch {
	case atLeast && atMost:
		return QualifierAbout
	case atLeast:
		return QualifierAtLeast
	case atMost:
		return QualifierAtMost
	}
	return QualifierExact
}

// AidKind is how an aid amount stands: given, waived through, refused,
// promised or asked for. Totals never add amounts of different kinds.
type AidKind string

// The aid kinds, each from its relationship types (see AidKindOf).
const (
	AidAllocated          AidKind = "ALLOCATED"
	AidWaived             AidKind = "WAIVED"
	AidProhibitedOrDenied AidKind = "PROHIBITED_OR_DENIED"
	AidPledged            AidKind = "PLEDGED"
	AidProposed           AidKind = "PROPOSED"
)

// AidTypes maps the relationship types that carry aid amounts to their kind.
var AidTypes = map[RelationType]AidKind{
	RelFunded:     AidAllocated,
	RelWaived:     AidWaived,
	RelProhibited: AidProhibitedOrDenied,
	RelDenied:     AidProhibitedOrDenied,
	RelPledged:    AidPledged,
	RelProposed:   AidProposed,
}
