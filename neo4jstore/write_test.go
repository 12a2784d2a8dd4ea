package neo4jstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/neo4jstore"
	"github.com/conflictgraph/conflictgraph/neo4jtest"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// boltCounter counts the Bolt messages a store sends: statements (RUN),
// transaction boundaries, and round trips (each burst of client messages
// answered by the server).
type boltCounter struct {
	mu               sync.Mutex
	messages         map[string]int
	roundTrips       int
	lastFromClient   bool
	statementsByText []string
}

func (c *boltCounter) LogClientMessage(_, msg string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kind, _, _ := strings.Cut(msg, " ")
	c.messages[kind]++
	if kind == "RUN" && len(args) > 0 {
		if s, ok := args[0].(string); ok {
			c.statementsByText = append(c.statementsByText, strings.Fields(s)[0]+" "+strings.Fields(s)[1])
		}
	}
	if !c.lastFromClient {
		c.roundTrips++
	}
	c.lastFromClient = true
}

func (c *boltCounter) LogServerMessage(string, string, ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastFromClient = false
}

func (c *boltCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.messages, c.roundTrips, c.lastFromClient, c.statementsByText = map[string]int{}, 0, false, nil
}

// TestApplyCost counts what one Apply sends: one transaction, a handful of
// statements whatever the graph holds, committed when the change set
// changes something and rolled back otherwise.
func TestApplyCost(t *testing.T) {
	st := fresh(t)
	storetest.MustLoad(t, st, storetest.Fixture())
	counter := &boltCounter{}
	counter.reset()
	counted, err := neo4jstore.New(neo4jstore.Config{URI: neo4jtest.URI(t), BoltLogger: counter})
	if err != nil {
		t.Fatal(err)
	}
	defer counted.Close(context.Background())
	if err := counted.Ping(context.Background()); err != nil { // connect before counting
		t.Fatal(err)
	}
	cite := []domain.Citation{{SourceID: "doc-b", Quote: "Atlantis and Lémuria work together."}}
	tests := []struct {
		name       string
		cs         *domain.ChangeSet
		code       domain.Code // "" for success
		statements int         // at most
		commit     bool
	}{
		// lock, read sources, entities and relationships, write the
		// relationship, record the change.
		{"add a relationship", &domain.ChangeSet{Actor: "alice", Relationships: []*domain.Relationship{
			{Type: domain.RelCooperatesWith, FromID: "atlantis", ToID: "lemuria", Certainty: domain.CertaintyStated, Citations: cite}}}, "", 6, true},
		// lock, read sources and relationships, remove the link, keep
		// it as a node, record the change.
		{"retract a relationship", &domain.ChangeSet{Actor: "alice", Retractions: []*domain.RelationshipRetraction{
			{ID: "front.fights.front", Reason: "the source walked it back", Citations: cite}}}, "", 6, true},
		{"end a relationship", &domain.ChangeSet{Actor: "alice", Ends: []*domain.RelationshipEnd{
			{ID: "front.fights.atlantis", ValidTo: domain.MustPartialDate("2020"), Citations: cite}}}, "", 5, true},
		// The same entity again: read, nothing to write, rolled back.
		{"change nothing", &domain.ChangeSet{Actor: "alice", Entities: storetest.Fixture().Entities[:1]}, "", 3, false},
		{"refused", &domain.ChangeSet{Actor: "alice", Relationships: []*domain.Relationship{
			{Type: domain.RelFights, FromID: "atlantis", ToID: "ghost", Certainty: domain.CertaintyStated, Citations: cite}}}, domain.CodeInvalid, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counter.reset()
			_, err := counted.Apply(context.Background(), tt.cs)
			var derr *domain.Error
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("apply: %v", err)
			case tt.code != "" && (!errors.As(err, &derr) || derr.Code != tt.code):
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
			m := counter.messages
			t.Logf("%d statements (%s), %d round trips", m["RUN"], strings.Join(counter.statementsByText, ", "), counter.roundTrips)
			if m["BEGIN"] != 1 {
				t.Errorf("%d transactions, want one", m["BEGIN"])
			}
			if m["RUN"] > tt.statements {
				t.Errorf("%d statements, want at most %d", m["RUN"], tt.statements)
			}
			// The driver rolls a failed transaction function back with
			// RESET (or ROLLBACK): either ends it without a commit.
			rollbacks := m["ROLLBACK"] + m["RESET"]
			if tt.commit && (m["COMMIT"] != 1 || rollbacks != 0) || !tt.commit && (rollbacks != 1 || m["COMMIT"] != 0) {
				t.Errorf("%d commits and %d rollbacks; commit wanted: %v", m["COMMIT"], rollbacks, tt.commit)
			}
		})
	}
	if rev, err := st.Revision(context.Background()); err != nil || rev != 4 {
		t.Errorf("revision %d, %v after three changes over the fixture; want 4", rev, err)
	}
}
