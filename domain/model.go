package domain

import "slices"

// EntityKind is the kind of an actor or thing in the graph. Each kind has its
// own GraphQL object type and its own set of attributes (see KindFields).
type EntityKind string

// The entity kinds.
const (
	KindCountry      EntityKind = "COUNTRY"
	KindArmedGroup   EntityKind = "ARMED_GROUP" // insurgents, coalitions, separatists, militias, PMCs, state forces
	KindPerson       EntityKind = "PERSON"
	KindOrganization EntityKind = "ORGANIZATION" // IGOs, governments and agencies, NGOs, companies
	KindMission      EntityKind = "MISSION"      // peacekeeping missions, military operations
	KindAidProgram   EntityKind = "AID_PROGRAM"
	KindSanction     EntityKind = "SANCTION"
	KindCoup         EntityKind = "COUP"
	KindEvent        EntityKind = "EVENT" // attacks, massacres, ambushes, sieges, votes
	KindAgreement    EntityKind = "AGREEMENT"
	KindLegislation  EntityKind = "LEGISLATION" // laws and executive orders
)

// EntityKinds lists every kind, in the order the schema declares them.
var EntityKinds = []EntityKind{
	KindCountry, KindArmedGroup, KindPerson, KindOrganization, KindMission, KindAidProgram,
	KindSanction, KindCoup, KindEvent, KindAgreement, KindLegislation,
}

// Valid reports whether k is one of EntityKinds.
func (k EntityKind) Valid() bool { return slices.Contains(EntityKinds, k) }

// Category narrows a kind: an ARMED_GROUP is a coalition or a militia, an
// ORGANIZATION an IGO or an NGO. Which categories a kind accepts is in
// KindCategories.
type Category string

// KindCategories lists, for the kinds that have categories, the ones allowed.
var KindCategories = map[EntityKind][]Category{
	KindArmedGroup: {
		"INSURGENT_GROUP", "COALITION", "SEPARATIST_GROUP", "MILITIA",
		"PRIVATE_MILITARY_COMPANY", "STATE_FORCE",
	},
	KindOrganization: {
		"INTERGOVERNMENTAL", "GOVERNMENT", "GOVERNMENT_AGENCY", "LEGISLATURE", "NGO",
		"COMPANY", "MEDIA", "POLITICAL_PARTY", "RESEARCH",
	},
	KindMission: {"PEACEKEEPING", "MILITARY_OPERATION", "TRAINING", "CIVILIAN"},
	KindEvent: {
		"ATTACK", "MASSACRE", "AMBUSH", "SIEGE", "BOMBING", "KIDNAPPING",
		"ELECTION", "REFERENDUM", "POLITICAL", "HUMANITARIAN",
	},
}

// Field names an optional attribute of Entity; KindFields says which kinds
// carry it, so the seed validator and the API agree on where each belongs.
type Field string

// The optional entity attributes.
const (
	FieldCategory  Field = "category"
	FieldISO3      Field = "iso3"
	FieldRole      Field = "role"
	FieldDate      Field = "date"
	FieldStarted   Field = "started"
	FieldEnded     Field = "ended"
	FieldPlace     Field = "place"
	FieldKilled    Field = "killed"
	FieldInjured   Field = "injured"
	FieldProgram   Field = "program"
	FieldAuthority Field = "authority"
	FieldAgency    Field = "agency"
)

// Fields lists every optional attribute in the order they are declared, for
// writers that need one stable column order (the file exports).
var Fields = []Field{
	FieldCategory, FieldISO3, FieldRole, FieldDate, FieldStarted, FieldEnded,
	FieldPlace, FieldKilled, FieldInjured, FieldProgram, FieldAuthority, FieldAgency,
}

// KindFields lists the optional attributes each kind may carry.
var KindFields = map[EntityKind][]Field{
	KindCountry:      {FieldISO3},
	KindArmedGroup:   {FieldCategory, FieldStarted, FieldEnded},
	KindPerson:       {FieldRole},
	KindOrganization: {FieldCategory, FieldStarted, FieldEnded},
	KindMission:      {FieldCategory, FieldStarted, FieldEnded},
	KindAidProgram:   {FieldAgency, FieldAuthority, FieldStarted, FieldEnded},
	KindSanction:     {FieldProgram, FieldAuthority, FieldDate, FieldEnded},
	KindCoup:         {FieldDate, FieldPlace},
	KindEvent:        {FieldCategory, FieldDate, FieldPlace, FieldKilled, FieldInjured},
	KindAgreement:    {FieldDate, FieldPlace},
	KindLegislation:  {FieldAuthority, FieldDate},
}

// Citation ties a claim to the sentence of a source that supports it.
type Citation struct {
	SourceID string
	Quote    string // verbatim from the source, a sentence or less
	// Locator says where in the source the quote is, when the source holds
	// many texts: a data set's record ("event_id_cnty MLI12345"), a page.
	// Empty for a document the quote is simply in.
	Locator string
}

// Source is a document the graph's claims come from.
type Source struct {
	ID        string
	Title     string
	Publisher string
	Published PartialDate
	URL       string
	Document  string // file name of the plain-text capture the quotes come from
}

// Qualifier says how an amount is worded in its source.
type Qualifier string

// The amount qualifiers.
const (
	QualifierExact   Qualifier = "EXACT"
	QualifierAtLeast Qualifier = "AT_LEAST" // "more than", "at least", "over"
	QualifierAbout   Qualifier = "ABOUT"    // "about", "nearly", "some", "roughly"
	QualifierAtMost  Qualifier = "AT_MOST"  // "up to", "less than"
)

// Qualifiers lists every qualifier.
var Qualifiers = []Qualifier{QualifierExact, QualifierAtLeast, QualifierAbout, QualifierAtMost}

// Valid reports whether q is one of Qualifiers.
func (q Qualifier) Valid() bool { return slices.Contains(Qualifiers, q) }

// Period says what span of time an amount or a figure counts: nothing (a
// total) or a rate, such as "$10 million per month". A sum never adds a
// rate to a total, nor rates of different periods.
type Period string

// The periods; the zero value is a total.
const (
	PeriodTotal    Period = ""
	PeriodPerDay   Period = "PER_DAY"
	PeriodPerWeek  Period = "PER_WEEK"
	PeriodPerMonth Period = "PER_MONTH"
	PeriodPerYear  Period = "PER_YEAR"
)

// Periods lists the rates' periods, shortest first.
var Periods = []Period{PeriodPerDay, PeriodPerWeek, PeriodPerMonth, PeriodPerYear}

// Valid reports whether p is a total or one of Periods.
func (p Period) Valid() bool { return p == PeriodTotal || slices.Contains(Periods, p) }

// Figure is a number a source gives about an entity: personnel, displaced
// people, people in need. Two sources that disagree give two figures. Like
// a relationship, a figure carries how firmly its source states it and, when
// the source says so, whose figure it is.
type Figure struct {
	Measure string  // what is counted, e.g. "uniformed personnel"
	Value   float64 // the figure, or a range's best estimate (its low end when the source gives none)
	// Low and High are the range the source gives ("between 30 and 45",
	// UCDP's low and high estimates), where it gives one.
	Low, High *float64
	Unit      string // e.g. "people", "troops", "USD"
	Qualifier Qualifier
	Period    Period      // a rate's period ("per month"); empty for a count
	Date      PartialDate // when the figure held, if stated
	// Certainty is how firmly the source states the figure: an estimate
	// or a figure the source only relays is REPORTED, not STATED.
	Certainty Certainty
	// Attribution is whose figure the source says it is ("U.N. figures",
	// "according to the government"), where it says.
	Attribution string
	Citations   []Citation
}

// Entity is an actor or a thing in the conflict graph. The common fields
// apply to every kind; the optional attributes only to the kinds KindFields
// names.
type Entity struct {
	ID        string // stable readable slug, e.g. "jnim"
	Kind      EntityKind
	Name      string
	Aliases   []string
	Summary   string
	Citations []Citation
	Figures   []Figure

	Category  Category
	ISO3      string
	Role      string
	Date      PartialDate
	Started   PartialDate
	Ended     PartialDate
	Place     string
	Killed    *int
	Injured   *int
	Program   string
	Authority string
	Agency    string
}

// Certainty says how firmly the source asserts a relationship.
type Certainty string

// The certainties, from a plain statement to a party's own claim.
const (
	CertaintyStated   Certainty = "STATED"
	CertaintyReported Certainty = "REPORTED" // "reportedly"
	CertaintyAlleged  Certainty = "ALLEGED"  // "allegedly", "accused"
	CertaintyClaimed  Certainty = "CLAIMED"  // a party's own claim, e.g. of responsibility
)

// Certainties lists every certainty.
var Certainties = []Certainty{CertaintyStated, CertaintyReported, CertaintyAlleged, CertaintyClaimed}

// Valid reports whether c is one of Certainties.
func (c Certainty) Valid() bool { return slices.Contains(Certainties, c) }

// Relationship is a typed, directed, dated and cited link between two
// entities.
type Relationship struct {
	ID          string
	Type        RelationType
	FromID      string
	ToID        string
	ValidFrom   PartialDate
	ValidTo     PartialDate
	Amount      *Money
	Count       *int
	Description string
	Certainty   Certainty
	// Attribution is whose claim the source says this is ("according to
	// U.N. monitors"), where it says; Certainty holds how firm it is.
	Attribution string
	Citations   []Citation
	// Retraction is set on a relationship taken back: it has left every
	// read of the graph but RelationshipsByIDs and the change feed.
	Retraction *Retraction
}

// HoldsAt reports whether the relationship holds at date d: it has started
// by the end of d's period and has not ended before d's period begins. An
// unknown start or end does not exclude it.
func (r *Relationship) HoldsAt(d PartialDate) bool {
	return HoldsAt(r.ValidFrom, r.ValidTo, d)
}

// HoldsAt is Relationship.HoldsAt for a validity from..to held apart from
// a Relationship (a store's compact record of one).
func HoldsAt(from, to, d PartialDate) bool {
	if d.IsZero() {
		return true
	}
	if !from.IsZero() && from.First() > d.Last() {
		return false
	}
	if !to.IsZero() && to.Last() < d.First() {
		return false
	}
	return true
}

// Other returns the endpoint of r that is not id (id itself for a self-loop).
func (r *Relationship) Other(id string) string {
	if r.FromID == id {
		return r.ToID
	}
	return r.FromID
}

// GetID returns the relationship's id; with Source.GetID it lets transports
// treat every identified graph object alike (GraphQL's Node).
func (r *Relationship) GetID() string { return r.ID }

// GetID returns the source's id.
func (s *Source) GetID() string { return s.ID }

// Attributes returns the optional attributes the entity has set, by field
// name: text as written, dates as "YYYY[-MM[-DD]]", counts as int. Writers
// that flatten entities (the export, the Neo4j backend) list them from here,
// so a new attribute reaches all of them at once.
func (e *Entity) Attributes() map[Field]any {
	out := map[Field]any{}
	for _, a := range attributes {
		if a.set(e) {
			out[a.field] = a.value(e)
		}
	}
	return out
}

// attributes reads each optional attribute of an entity: whether it is
// set, and its value as Attributes gives it. They are in field-name order,
// the order validation reports them in.
var attributes = []attribute{
	textAttribute(FieldAgency, func(e *Entity) string { return e.Agency }),
	textAttribute(FieldAuthority, func(e *Entity) string { return e.Authority }),
	textAttribute(FieldCategory, func(e *Entity) string { return string(e.Category) }),
	dateAttribute(FieldDate, func(e *Entity) PartialDate { return e.Date }),
	dateAttribute(FieldEnded, func(e *Entity) PartialDate { return e.Ended }),
	countAttribute(FieldInjured, func(e *Entity) *int { return e.Injured }),
	textAttribute(FieldISO3, func(e *Entity) string { return e.ISO3 }),
	countAttribute(FieldKilled, func(e *Entity) *int { return e.Killed }),
	textAttribute(FieldPlace, func(e *Entity) string { return e.Place }),
	textAttribute(FieldProgram, func(e *Entity) string { return e.Program }),
	textAttribute(FieldRole, func(e *Entity) string { return e.Role }),
	dateAttribute(FieldStarted, func(e *Entity) PartialDate { return e.Started }),
}

// attribute is one optional attribute of an entity, read from it.
type attribute struct {
	field Field
	set   func(*Entity) bool
	value func(*Entity) any
}

func textAttribute(f Field, get func(*Entity) string) attribute {
	return attribute{f, func(e *Entity) bool { return get(e) != "" }, func(e *Entity) any { return get(e) }}
}

func dateAttribute(f Field, get func(*Entity) PartialDate) attribute {
	return attribute{f, func(e *Entity) bool { return !get(e).IsZero() }, func(e *Entity) any { return get(e).String() }}
}

func countAttribute(f Field, get func(*Entity) *int) attribute {
	return attribute{f, func(e *Entity) bool { return get(e) != nil }, func(e *Entity) any { return *get(e) }}
}
