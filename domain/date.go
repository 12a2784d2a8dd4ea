package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PartialDate is a calendar date known to the year, the month or the day, as
// sources state them ("2021", "2021-12", "2021-12-25"). The zero value means
// the date is unknown.
type PartialDate struct {
	Year  int // 1..9999; 0 when the date is unknown
	Month int // 1..12, or 0 when only the year is known
	Day   int // 1..31, or 0 when only the year or month is known
}

// Precision says how much of a PartialDate is known.
type Precision int

// The precisions of a PartialDate, coarsest first.
const (
	PrecisionNone Precision = iota
	PrecisionYear
	PrecisionMonth
	PrecisionDay
)

// ParsePartialDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD" and rejects
// anything else, including impossible days such as "2021-02-30".
func ParsePartialDate(s string) (PartialDate, error) {
	bad := func(why string) (PartialDate, error) {
		return PartialDate{}, Invalidf("malformed date %q: %s (want YYYY, YYYY-MM or YYYY-MM-DD)", s, why)
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 {
		return bad("too many parts")
	}
	widths := []int{4, 2, 2}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if len(p) != widths[i] {
			return bad(fmt.Sprintf("part %d must have %d digits", i+1, widths[i]))
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || strings.ContainsAny(p, "+-") {
			return bad(fmt.Sprintf("part %d is not a number", i+1))
		}
		nums[i] = n
	}
	d := PartialDate{Year: nums[0]}
	if d.Year == 0 {
		return bad("year 0000 does not exist")
	}
	if len(nums) > 1 {
		d.Month = nums[1]
		if d.Month < 1 || d.Month > 12 {
			return bad("month out of range")
		}
	}
	if len(nums) > 2 {
		d.Day = nums[2]
		if d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
			return bad("day out of range")
		}
	}
	return d, nil
}

// MustPartialDate parses s and panics on error; for literals in code and tests.
func MustPartialDate(s string) PartialDate {
	d, err := ParsePartialDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether the date is unknown.
func (d PartialDate) IsZero() bool { return d.Year == 0 }

// Precision reports how much of the date is known.
func (d PartialDate) Precision() Precision {
	switch {
	case d.Year == 0:
		return PrecisionNone
	case d.Month == 0:
		return PrecisionYear
	case d.Day == 0:
		return PrecisionMonth
	default:
		return PrecisionDay
	}
}

// String renders the date as it was written: "2021", "2021-12" or "2021-12-25";
// the empty string for an unknown date.
func (d PartialDate) String() string {
	switch d.Precision() {
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	case PrecisionDay:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	return ""
}

// First is the first day of the period the date names, as the integer
// YYYYMMDD, so periods compare as integers (and index well in a database).
func (d PartialDate) First() int {
	m, day := d.Month, d.Day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return d.Year*10000 + m*100 + day
}

// Last is the last day of the period the date names, as the integer YYYYMMDD.
func (d PartialDate) Last() int {
	switch d.Precision() {
	case PrecisionYear:
		return d.Year*10000 + 1231
	case PrecisionMonth:
		return d.Year*10000 + d.Month*100 + daysIn(d.Year, d.Month)
	}
	return d.First()
}

// Compare orders dates chronologically by the start of their period, and a
// coarser date before a finer one that starts on the same day ("2021" before
// "2021-01" before "2021-01-01"). Unknown dates sort first.
func (d PartialDate) Compare(o PartialDate) int {
	if a, b := d.First(), o.First(); a != b {
		if a < b {
			return -1
		}
		return 1
	}
	switch p, q := d.Precision(), o.Precision(); {
	case p < q:
		return -1
	case p > q:
		return 1
	}
	return 0
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
