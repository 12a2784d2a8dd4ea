package ingest

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Map settles what name matching cannot: an external name (or a record's
// key, such as an OpenSanctions id) and the id of the entity it means.
// Keys are held folded (domain.Fold), so "Wagner Group" and "wagner group"
// are one key.
type Map map[string]string

// Lookup returns the entity an external name or key maps to.
func (m Map) Lookup(name string) (string, bool) {
	id, ok := m[domain.Fold(name)]
	return id, ok
}

// ReadMap reads a map file: CSV with a header naming the columns `name`
// and `entity` (lines starting with # are comments), or YAML (.yaml or
// .yml) holding one mapping of names to entity ids. INVALID, naming the
// line, for a row without both, or a name given twice for two entities.
func ReadMap(path string) (Map, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return readYAMLMap(f, path)
	}
	return readCSVMap(f, path)
}

func readCSVMap(r io.Reader, path string) (Map, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, domain.Invalidf("map %s: no header line (want name,entity): %v", path, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	nameCol, ok1 := cols["name"]
	idCol, ok2 := cols["entity"]
	if !ok1 || !ok2 {
		return nil, domain.Invalidf("map %s: the header must name the columns name and entity, got %q", path, header)
	}
	m := Map{}
	lines := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return nil, domain.Invalidf("map %s: %v", path, err)
		}
		line, _ := cr.FieldPos(0)
		if nameCol >= len(rec) || idCol >= len(rec) {
			return nil, domain.Invalidf("map %s, line %d: want a name and an entity id", path, line)
		}
		if err := m.add(rec[nameCol], rec[idCol], fmt.Sprintf("line %d", line), lines, line); err != nil {
			return nil, domain.Invalidf("map %s, %v", path, err)
		}
	}
}

func readYAMLMap(r io.Reader, path string) (Map, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(r).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return Map{}, nil
		}
		return nil, domain.Invalidf("map %s: %v", path, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, domain.Invalidf("map %s: want one mapping of external names to entity ids (\"Wagner Group: wagner-group\")", path)
	}
	root := doc.Content[0]
	m := Map{}
	lines := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
			return nil, domain.Invalidf("map %s, line %d: want a name and an entity id", path, k.Line)
		}
		if err := m.add(k.Value, v.Value, fmt.Sprintf("line %d", k.Line), lines, k.Line); err != nil {
			return nil, domain.Invalidf("map %s, %v", path, err)
		}
	}
	return m, nil
}

func (m Map) add(name, id, where string, lines map[string]int, line int) error {
	name, id = strings.TrimSpace(name), strings.TrimSpace(id)
	key := domain.Fold(name)
	switch {
	case key == "" || id == "":
		return fmt.Errorf("%s: want a name and an entity id", where)
	case !domain.IsSlug(id):
		return fmt.Errorf("%s: %q is not an entity id (lower-case words joined by hyphens)", where, id)
	}
	if have, ok := m[key]; ok && have != id {
		return fmt.Errorf("%s: %q is mapped to %s here and to %s on line %d", where, name, id, have, lines[key])
	}
	m[key], lines[key] = id, line
	return nil
}

// check returns INVALID naming every entity the map points at that the
// graph does not hold.
func (m Map) check(ctx context.Context, st domain.Store) error {
	ids := make([]string, 0, len(m))
	for _, id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil
	}
	found, err := st.EntitiesByIDs(ctx, ids)
	if err != nil {
		return err
	}
	var missing []string
	for i, e := range found {
		if e == nil {
			missing = append(missing, ids[i])
		}
	}
	if len(missing) > 0 {
		return domain.Invalidf("the map names entities the graph does not hold: %s", strings.Join(missing, ", "))
	}
	return nil
}
