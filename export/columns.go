package export

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// valueType is how a file format declares an attribute's values.
type valueType int

const (
	typeString valueType = iota
	typeInt
	typeDouble
)

// column is one attribute of a node or an edge, declared once per file and
// written in this order by every file format (GraphML, GEXF, CSV): its name,
// its type and how to read it from the element. ok is false when the element
// has no value, so absent stays absent (no empty string, no zero).
type column[T any] struct {
	name  string
	typ   valueType
	value func(T) (text string, ok bool)
}

// node is an entity as the node columns read it: the entity and its
// optional attributes, flattened once per entity rather than once per
// column.
type node struct {
	*domain.Entity
	attrs map[domain.Field]any
}

func nodeOf(e *domain.Entity) node { return node{e, e.Attributes()} }

// nodeColumns are the attributes of an entity, after its id: the common
// fields, then every optional attribute in domain.Fields order, then its
// figures and citations. Lists (aliases, figures, citations) are JSON arrays
// in one value, so every citation is kept whole whatever the format.
var nodeColumns = func() []column[node] {
	cols := []column[node]{
		{"kind", typeString, func(e node) (string, bool) { return string(e.Kind), true }},
		{"name", typeString, func(e node) (string, bool) { return e.Name, true }},
		{"label", typeString, func(e node) (string, bool) { return e.Name, true }},
		{"aliases", typeString, func(e node) (string, bool) { return jsonText(nonNil(e.Aliases)), true }},
		{"summary", typeString, func(e node) (string, bool) { return e.Summary, e.Summary != "" }},
	}
	for _, f := range domain.Fields {
		typ := typeString
		if f == domain.FieldKilled || f == domain.FieldInjured {
			typ = typeInt
		}
		cols = append(cols, column[node]{string(f), typ, func(e node) (string, bool) {
			switch v := e.attrs[f].(type) {
			case string:
				return v, true
			case int:
				return strconv.Itoa(v), true
			}
			return "", false
		}})
	}
	return append(cols,
		column[node]{"figures", typeString, func(e node) (string, bool) {
			return jsonText(figures(e.Figures)), len(e.Figures) > 0
		}},
		column[node]{"citations", typeString, func(e node) (string, bool) {
			return jsonText(citations(e.Citations)), true
		}},
	)
}()

// edgeColumns are the attributes of a relationship, after its id, source and
// target. The amount is split into its parts so spreadsheets and graph tools
// can sort and sum it; its value goes through AmountText.
var edgeColumns = []column[*domain.Relationship]{
	{"type", typeString, func(r *domain.Relationship) (string, bool) { return string(r.Type), true }},
	{"certainty", typeString, func(r *domain.Relationship) (string, bool) { return string(r.Certainty), r.Certainty != "" }},
	{"attribution", typeString, func(r *domain.Relationship) (string, bool) { return r.Attribution, r.Attribution != "" }},
	{"validFrom", typeString, func(r *domain.Relationship) (string, bool) { return r.ValidFrom.String(), !r.ValidFrom.IsZero() }},
	{"validTo", typeString, func(r *domain.Relationship) (string, bool) { return r.ValidTo.String(), !r.ValidTo.IsZero() }},
	{"description", typeString, func(r *domain.Relationship) (string, bool) { return r.Description, r.Description != "" }},
	{"count", typeInt, func(r *domain.Relationship) (string, bool) {
		if r.Count == nil {
			return "", false
		}
		return strconv.Itoa(*r.Count), true
	}},
	{"amount", typeDouble, func(r *domain.Relationship) (string, bool) {
		if r.Amount == nil {
			return "", false
		}
		return AmountText(r.Amount), true
	}},
	{"currency", typeString, func(r *domain.Relationship) (string, bool) {
		if r.Amount == nil {
			return "", false
		}
		return r.Amount.Currency, true
	}},
	{"qualifier", typeString, func(r *domain.Relationship) (string, bool) {
		if r.Amount == nil {
			return "", false
		}
		return string(r.Amount.Qualifier), true
	}},
	{"fiscalYear", typeInt, func(r *domain.Relationship) (string, bool) {
		if r.Amount == nil || r.Amount.FiscalYear == nil {
			return "", false
		}
		return strconv.Itoa(*r.Amount.FiscalYear), true
	}},
	{"period", typeString, func(r *domain.Relationship) (string, bool) {
		if r.Amount == nil || r.Amount.Period == domain.PeriodTotal {
			return "", false
		}
		return string(r.Amount.Period), true
	}},
	{"amountLow", typeDouble, func(r *domain.Relationship) (string, bool) {
		if r.Amount == nil || r.Amount.Low == nil {
			return "", false
		}
		return r.Amount.DecimalOf(*r.Amount.Low), true
	}},
	{"amountHigh", typeDouble, func(r *domain.Relationship) (string, bool) {
		if r.Amount == nil || r.Amount.High == nil {
			return "", false
		}
		return r.Amount.DecimalOf(*r.Amount.High), true
	}},
	{"citations", typeString, func(r *domain.Relationship) (string, bool) { return jsonText(citations(r.Citations)), true }},
}

// AmountText writes an amount's value as the file exports print it: exactly,
// with its currency's decimals ("10000000.00"), as domain.Money.Decimal
// writes it for the API. Every file format prints amounts through it.
func AmountText(m *domain.Money) string { return m.Decimal() }

// amountData is the JSON shape of an amount: its exact value, currency and
// qualifier, and its fiscal year, period and range where it has them.
func amountData(m *domain.Money) map[string]any {
	amount := map[string]any{"value": AmountText(m), "currency": m.Currency, "qualifier": m.Qualifier}
	if m.FiscalYear != nil {
		amount["fiscalYear"] = *m.FiscalYear
	}
	put(amount, "period", string(m.Period))
	if m.Low != nil {
		amount["low"] = m.DecimalOf(*m.Low)
	}
	if m.High != nil {
		amount["high"] = m.DecimalOf(*m.High)
	}
	return amount
}

// figures is the JSON shape of an entity's figures: each with its measure,
// value, unit, qualifier, certainty and citations, and its range, period,
// date and attribution where it has them.
func figures(fs []domain.Figure) []map[string]any {
	out := make([]map[string]any, len(fs))
	for i, f := range fs {
		fig := map[string]any{"measure": f.Measure, "value": f.Value, "unit": f.Unit, "qualifier": f.Qualifier,
			"certainty": f.Certainty, "citations": citations(f.Citations)}
		if f.Low != nil {
			fig["low"] = *f.Low
		}
		if f.High != nil {
			fig["high"] = *f.High
		}
		put(fig, "period", string(f.Period))
		put(fig, "date", f.Date.String())
		put(fig, "attribution", f.Attribution)
		out[i] = fig
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// jsonText encodes a list for one attribute value. The values are strings,
// numbers and maps of them, which always encode.
func jsonText(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("export: " + err.Error())
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Attribute names one attribute the file exports write and its GraphML type
// ("string", "int" or "double"), for clients that write the same files
// themselves (the explorer's download of its current view).
type Attribute struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Attributes lists the node and the edge attributes in the order every file
// format declares them.
func Attributes() (node, edge []Attribute) {
	for _, c := range nodeColumns {
		node = append(node, Attribute{c.name, graphmlTypes[c.typ]})
	}
	for _, c := range edgeColumns {
		edge = append(edge, Attribute{c.name, graphmlTypes[c.typ]})
	}
	return node, edge
}
