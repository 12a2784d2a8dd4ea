package domain

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
