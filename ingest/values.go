package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/conflictgraph/conflictgraph/domain"
)

// CountryISO3 returns the ISO 3166-1 alpha-3 code of a country given by
// its numeric code (ACLED's iso: "466", or "4" for "004"), its alpha-2 or
// its alpha-3 code, from golang.org/x/text/language's table; "" for
// anything else.
func CountryISO3(code string) string {
	code = strings.TrimSpace(code)
	if n, err := strconv.Atoi(code); err == nil && n > 0 && n < 1000 {
		code = fmt.Sprintf("%03d", n)
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return ""
	}
	return r.ISO3()
}

// dateLayouts are the day layouts data sets write, ISO's first.
var dateLayouts = []string{"2006-01-02", "2 January 2006", "02 January 2006", "2 Jan 2006", "02-Jan-2006", "January 2, 2006"}

// ParseYear reads a data set's year column ("2021") as a partial date
// known to the year; INVALID for anything but a year from 1 to 9999.
func ParseYear(s string) (domain.PartialDate, error) {
	y, err := strconv.Atoi(s)
	if err != nil {
		return domain.PartialDate{}, domain.Invalidf("year %q is not a year", s)
	}
	d, err := domain.Date(y, 0, 0)
	if err != nil {
		return d, domain.Invalidf("year %q is not a year", s)
	}
	return d, nil
}

// ParseDate reads a date as data sets write it: "2021-12-25" (with a time
// after it, which is ignored: "2021-12-25T10:00:00"), "25 December 2021",
// "25 Dec 2021", "December 25, 2021", or a partial "2021-12" or "2021".
// INVALID for anything else.
func ParseDate(s string) (domain.PartialDate, error) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[4] == '-' && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	if len(s) <= 7 {
		return domain.ParsePartialDate(s)
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return domain.Date(t.Year(), int(t.Month()), t.Day())
		}
	}
	return domain.PartialDate{}, domain.Invalidf("date %q is not a date such as 2021-12-25 or 25 December 2021", s)
}

// Coarsen keeps of d no more than p says is known: a day coded to the
// middle of its week, when only the month is known, becomes the month.
func Coarsen(d domain.PartialDate, p domain.Precision) domain.PartialDate {
	switch {
	case p <= domain.PrecisionNone:
		return domain.PartialDate{}
	case p == domain.PrecisionYear:
		d.Month, d.Day = 0, 0
	case p == domain.PrecisionMonth:
		d.Day = 0
	}
	return d
}

// Span is the finest partial date that holds both from and to: the day
// when they are one day, the month when they share it, else the year when
// they share it; zero when they are years apart.
func Span(from, to domain.PartialDate) domain.PartialDate {
	switch {
	case from == to:
		return from
	case from.Year == to.Year && from.Month == to.Month && from.Month != 0:
		return domain.PartialDate{Year: from.Year, Month: from.Month}
	case from.Year == to.Year:
		return domain.PartialDate{Year: from.Year}
	}
	return domain.PartialDate{}
}

// Count reads a whole number of 0 or more; nil for an empty field.
func Count(field, s string) (*int, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		// Some exports write counts as floats ("12.0").
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f < 0 || f != float64(int(f)) {
			return nil, domain.Invalidf("%s %q is not a whole number of 0 or more", field, s)
		}
		n = int(f)
	}
	return &n, nil
}

// Join writes the non-empty parts once each, in order, with sep between.
func Join(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		p = Clean(p)
		if p == "" {
			continue
		}
		dup := false
		for _, k := range kept {
			if strings.EqualFold(k, p) {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
