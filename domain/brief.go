package domain

// Brief says which values of a read its caller needs only in brief: an
// entity by its id, kind and name, a relationship by its id, type and ends
// (what a listing, a path or a drawn graph shows). A store may then leave
// the rest of those values out, so that a database ships less; its answer
// says what it left out. The zero value asks for every value whole.
type Brief struct {
	Entities      bool
	Relationships bool
}

// BriefEntity is e in brief: its id, kind and name, as a store answering
// a Brief read in brief returns it.
func BriefEntity(e *Entity) *Entity {
	return &Entity{ID: e.ID, Kind: e.Kind, Name: e.Name}
}

// BriefRelationship is r in brief: its id, type and ends.
func BriefRelationship(r *Relationship) *Relationship {
	return &Relationship{ID: r.ID, Type: r.Type, FromID: r.FromID, ToID: r.ToID}
}
