package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PartialDate is a calendar date known to the year, the month or the day, as
// sources state them ("2021", "2021-12", "2021-12-25"). The zero value means
// the date is unknown. It takes four bytes: a store holds a few for each of
// a million imported events.
type PartialDate struct {
	Year  int16 // 1..9999; 0 when the date is unknown
	Month int8  // 1..12, or 0 when only the year is known
	Day   int8  // 1..31, or 0 when only the year or month is known
}

// Date is the partial date of year, month and day (0 for the parts not
// known), INVALID when a part is out of its range or the day is not in
// its month.
func Date(year, month, day int) (PartialDate, error) {
	switch {
	case year < 1 || year > 9999:
		return PartialDate{}, Invalidf("year %d is not 1 to 9999", year)
	case month < 0 || month > 12:
		return PartialDate{}, Invalidf("month %d is not 1 to 12", month)
	case day < 0 || day > 0 && (month == 0 || day > daysIn(year, month)):
		return PartialDate{}, Invalidf("day %d is not a day of %04d-%02d", day, year, month)
	}
	return PartialDate{Year: int16(year), Month: int8(month), Day: int8(day)}, nil
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
	if nums[0] == 0 {
		return bad("year 0000 does not exist")
	}
	nums = append(nums, 0, 0)
	if len(parts) > 1 && (nums[1] < 1 || nums[1] > 12) {
		return bad("month out of range")
	}
	if len(parts) > 2 && (nums[2] < 1 || nums[2] > daysIn(nums[0], nums[1])) {
		return bad("day out of range")
	}
	return PartialDate{Year: int16(nums[0]), Month: int8(nums[1]), Day: int8(nums[2])}, nil
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
	m, day := int(d.Month), int(d.Day)
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return int(d.Year)*10000 + m*100 + day
}

// Last is the last day of the period the date names, as the integer YYYYMMDD.
func (d PartialDate) Last() int {
	switch d.Precision() {
	case PrecisionYear:
		return int(d.Year)*10000 + 1231
	case PrecisionMonth:
		return int(d.Year)*10000 + int(d.Month)*100 + daysIn(int(d.Year), int(d.Month))
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
