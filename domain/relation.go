package domain

import (
	"slices"
	"strings"
)

// RelationType is the kind of a relationship. It reads from the relationship's
// source entity to its target: "jnim FORMED_FROM ansar-dine".
type RelationType string

// Slug is the type as a relationship id spells it (DeriveRelationshipID):
// lower case, hyphens for underscores ("member-of").
func (t RelationType) Slug() string {
	return strings.ReplaceAll(strings.ToLower(string(t)), "_", "-")
}

// The relationship types, each with its reading in RelationTypeDocs.
const (
	RelAdministeredBy    RelationType = "ADMINISTERED_BY"
	RelAffiliatedWith    RelationType = "AFFILIATED_WITH"
	RelAlliedWith        RelationType = "ALLIED_WITH"
	RelArmedFrom         RelationType = "ARMED_FROM"
	RelAssociateOf       RelationType = "ASSOCIATE_OF"
	RelAttacked          RelationType = "ATTACKED"
	RelAuthorizedBy      RelationType = "AUTHORIZED_BY"
	RelBanned            RelationType = "BANNED"
	RelBasedIn           RelationType = "BASED_IN"
	RelControls          RelationType = "CONTROLS"
	RelCooperatesWith    RelationType = "COOPERATES_WITH"
	RelDenied            RelationType = "DENIED"
	RelDeployedTo        RelationType = "DEPLOYED_TO"
	RelDesignated        RelationType = "DESIGNATED"
	RelDetained          RelationType = "DETAINED"
	RelDirectorOf        RelationType = "DIRECTOR_OF"
	RelEnacted           RelationType = "ENACTED"
	RelEnded             RelationType = "ENDED"
	RelEstablished       RelationType = "ESTABLISHED"
	RelExpelled          RelationType = "EXPELLED"
	RelFamilyOf          RelationType = "FAMILY_OF"
	RelFights            RelationType = "FIGHTS"
	RelFormedFrom        RelationType = "FORMED_FROM"
	RelFoundedBy         RelationType = "FOUNDED_BY"
	RelFunded            RelationType = "FUNDED"
	RelImplementedBy     RelationType = "IMPLEMENTED_BY"
	RelLedBy             RelationType = "LED_BY"
	RelListedUnder       RelationType = "LISTED_UNDER"
	RelMediated          RelationType = "MEDIATED"
	RelMemberOf          RelationType = "MEMBER_OF"
	RelNear              RelationType = "NEAR"
	RelNegotiatedWith    RelationType = "NEGOTIATED_WITH"
	RelOccurredIn        RelationType = "OCCURRED_IN"
	RelOperatesIn        RelationType = "OPERATES_IN"
	RelOwns              RelationType = "OWNS"
	RelParticipatedIn    RelationType = "PARTICIPATED_IN"
	RelPartOf            RelationType = "PART_OF"
	RelPerpetrated       RelationType = "PERPETRATED"
	RelPledged           RelationType = "PLEDGED"
	RelProhibited        RelationType = "PROHIBITED"
	RelProposed          RelationType = "PROPOSED"
	RelRecruitedChildren RelationType = "RECRUITED_CHILDREN"
	RelRepresents        RelationType = "REPRESENTS"
	RelSanctioned        RelationType = "SANCTIONED"
	RelSeizedPower       RelationType = "SEIZED_POWER"
	RelSigned            RelationType = "SIGNED"
	RelSplinterOf        RelationType = "SPLINTER_OF"
	RelSucceededBy       RelationType = "SUCCEEDED_BY"
	RelSupports          RelationType = "SUPPORTS"
	RelSuspendedFrom     RelationType = "SUSPENDED_FROM"
	RelTargeted          RelationType = "TARGETED"
	RelTrained           RelationType = "TRAINED"
	RelWaived            RelationType = "WAIVED"
	RelWithdrewFrom      RelationType = "WITHDREW_FROM"
)

// RelationTypeDocs says how each type reads from source to target. The
// GraphQL enum carries the same list; a test keeps the two in step.
var RelationTypeDocs = map[RelationType]string{
	RelAdministeredBy:    "an aid program is run by an agency or government",
	RelAffiliatedWith:    "a group is an affiliate or branch of another (JNIM of al Qaeda)",
	RelAlliedWith:        "two actors are allied or in a declared alliance",
	RelArmedFrom:         "an armed actor drew arms or fighters from a country or its stockpiles: their origin, not a supplier",
	RelAssociateOf:       "a person is a known associate of another (OpenSanctions' Associate)",
	RelAttacked:          "an actor attacked another actor or a place",
	RelAuthorizedBy:      "a program, mission or sanction rests on a law, order or resolution",
	RelBanned:            "an authority banned or suspended an organization, party or outlet",
	RelBasedIn:           "an actor is headquartered or based in a country",
	RelControls:          "an actor controls territory or a body",
	RelCooperatesWith:    "two actors cooperate (security, counterterrorism, diplomacy)",
	RelDenied:            "assistance to a recipient was denied or withheld",
	RelDeployedTo:        "forces or a mission were deployed to a country (count: personnel)",
	RelDesignated:        "a government designated a group (e.g. as a Foreign Terrorist Organization)",
	RelDetained:          "an authority detained a person or an organization's staff",
	RelDirectorOf:        "a person or body directs or sits on the board of an organization",
	RelEnacted:           "a government or legislature enacted a law, order or constitution",
	RelEnded:             "an actor ended a mission, program or agreement",
	RelEstablished:       "an actor established a mission, program or body",
	RelExpelled:          "an authority expelled an actor from its territory",
	RelFamilyOf:          "a person is a relative of another (the kinship in the description)",
	RelFights:            "two armed actors are in combat",
	RelFormedFrom:        "a coalition or group was formed from another (merger, constituent)",
	RelFoundedBy:         "a group or body was founded by a person or actor",
	RelFunded:            "a donor or program allocated assistance to a recipient (amount)",
	RelImplementedBy:     "a program is carried out by an implementing partner",
	RelLedBy:             "an actor is led or headed by a person",
	RelListedUnder:       "a country was listed under a law's provisions (e.g. the CSPA list)",
	RelMediated:          "an actor mediated an agreement or talks",
	RelMemberOf:          "an actor is a member of a coalition or organization",
	RelNear:              "an event took place near a country, along its border (OCCURRED_IN says where)",
	RelNegotiatedWith:    "two actors negotiated",
	RelOccurredIn:        "an event, coup or attack took place in a country",
	RelOperatesIn:        "an actor is active in a country or region",
	RelOwns:              "an actor owns an organization or a share of it (the share in the description)",
	RelParticipatedIn:    "an actor took part in an event as one of its sides (a battle's, where the data names no perpetrator)",
	RelPartOf:            "a unit or body is part of a larger one",
	RelPerpetrated:       "an actor carried out an event, attack or coup",
	RelPledged:           "a donor pledged assistance to a recipient (amount)",
	RelProhibited:        "assistance to a recipient was prohibited (e.g. by the CSPA; amount)",
	RelProposed:          "assistance to a recipient was proposed or requested (amount)",
	RelRecruitedChildren: "an armed actor recruited or used child soldiers",
	RelRepresents:        "an actor acts for another as its agent or representative",
	RelSanctioned:        "an authority or sanction targets an actor",
	RelSeizedPower:       "an actor seized power in a country or through a coup",
	RelSigned:            "a party signed an agreement",
	RelSplinterOf:        "a group split off from another",
	RelSucceededBy:       "an actor was succeeded, renamed or absorbed (Wagner by Africa Corps)",
	RelSupports:          "an actor supports another (materially, militarily, politically)",
	RelSuspendedFrom:     "a member was suspended from an organization",
	RelTargeted:          "an event or measure was aimed at an actor",
	RelTrained:           "an actor trained another's forces",
	RelWaived:            "a waiver let assistance go to a recipient despite a restriction (amount)",
	RelWithdrewFrom:      "an actor withdrew its forces from a country or left an organization",
}

// RelationTypes lists every type in alphabetical order.
var RelationTypes = func() []RelationType {
	out := make([]RelationType, 0, len(RelationTypeDocs))
	for t := range RelationTypeDocs {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}()

// Valid reports whether t is one of RelationTypes.
func (t RelationType) Valid() bool { _, ok := RelationTypeDocs[t]; return ok }
