package ingest

import (
	"regexp"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// The words that make a record's claim less than a plain statement, as
// the seed's curators read their sources: a party's claim of responsibility,
// an allegation, a report the source only relays.
var (
	claimedWords  = regexp.MustCompile(`(?i)\bclaim(?:ed|s|ing)?\b[^.;]{0,40}\bresponsib|\bclaimed by\b`)
	allegedWords  = regexp.MustCompile(`(?i)\ballege(?:d|dly)?\b|\baccus(?:ed|es|ing)\b`)
	reportedWords = regexp.MustCompile(`(?i)\breportedly\b|\bsuspected\b|\bpresum(?:ed|ably)\b|\bbelieved to\b|\bunconfirmed\b|\bunverified\b`)
)

// CertaintyOf reads how firmly a record's own text states what it
// reports: CLAIMED when it tells of a claim of responsibility ("claimed
// responsibility", "claimed by"), else ALLEGED for "alleged(ly)" or
// "accused", else REPORTED for "reportedly", "suspected", "presumed",
// "believed to", "unconfirmed" or "unverified", else STATED. A plain
// "reported" is not a hedge: ACLED's notes say "fatalities were reported"
// of what they state.
func CertaintyOf(text string) domain.Certainty {
	// Most records hold none of the words: a plain search for their
	// stems rules them out before any regular expression runs.
	lower := strings.ToLower(text)
	if !strings.Contains(lower, "claim") && !strings.Contains(lower, "alleg") && !strings.Contains(lower, "accus") &&
		!strings.Contains(lower, "reportedly") && !strings.Contains(lower, "suspected") && !strings.Contains(lower, "presum") &&
		!strings.Contains(lower, "believed to") && !strings.Contains(lower, "unconfirmed") && !strings.Contains(lower, "unverified") {
		return domain.CertaintyStated
	}
	switch {
	case claimedWords.MatchString(text):
		return domain.CertaintyClaimed
	case allegedWords.MatchString(text):
		return domain.CertaintyAlleged
	case reportedWords.MatchString(text):
		return domain.CertaintyReported
	}
	return domain.CertaintyStated
}
