package model

import "github.com/conflictgraph/conflictgraph/domain"

// FromEntity shapes a domain entity as the GraphQL object type of its kind.
// Empty optional attributes become null.
func FromEntity(e *domain.Entity) Entity {
	if e == nil {
		return nil
	}
	cites := make([]*domain.Citation, len(e.Citations))
	for i := range e.Citations {
		cites[i] = &e.Citations[i]
	}
	figs := make([]*domain.Figure, len(e.Figures))
	for i := range e.Figures {
		figs[i] = &e.Figures[i]
	}
	aliases := e.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	summary := str(e.Summary)
	switch e.Kind {
	case domain.KindCountry:
		return &Country{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Iso3: str(e.ISO3)}
	case domain.KindArmedGroup:
		return &ArmedGroup{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Category: category(e.Category), Started: date(e.Started), Ended: date(e.Ended)}
	case domain.KindPerson:
		return &Person{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Role: str(e.Role)}
	case domain.KindOrganization:
		return &Organization{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Category: category(e.Category), Started: date(e.Started), Ended: date(e.Ended)}
	case domain.KindMission:
		return &Mission{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Category: category(e.Category), Started: date(e.Started), Ended: date(e.Ended)}
	case domain.KindAidProgram:
		return &AidProgram{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Agency: str(e.Agency), Authority: str(e.Authority), Started: date(e.Started), Ended: date(e.Ended)}
	case domain.KindSanction:
		return &Sanction{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Program: str(e.Program), Authority: str(e.Authority), Date: date(e.Date), Ended: date(e.Ended)}
	case domain.KindCoup:
		return &Coup{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Date: date(e.Date), Place: str(e.Place)}
	case domain.KindEvent:
		return &Event{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Category: category(e.Category), Date: date(e.Date), Place: str(e.Place), Killed: e.Killed, Injured: e.Injured}
	case domain.KindAgreement:
		return &Agreement{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Date: date(e.Date), Place: str(e.Place)}
	case domain.KindLegislation:
		return &Legislation{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: aliases, Summary: summary, Citations: cites, Figures: figs,
			Authority: str(e.Authority), Date: date(e.Date)}
	}
	return nil
}

func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func date(d domain.PartialDate) *domain.PartialDate {
	if d.IsZero() {
		return nil
	}
	return &d
}

func category(c domain.Category) *domain.Category {
	if c == "" {
		return nil
	}
	return &c
}
