package embedded_test

import (
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/ingesttest"
	"github.com/conflictgraph/conflictgraph/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) domain.Store { return embedded.New() })
}

func TestKeys(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) domain.KeyStore { return embedded.NewKeys() })
}

func TestImports(t *testing.T) {
	ingesttest.Run(t, func(t *testing.T) domain.Store { return embedded.New() })
}
