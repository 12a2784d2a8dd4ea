package graph

// gqlgen reads gqlgen.yml and writes its files relative to the repository root.
//go:generate sh -c "cd .. && go run ./tools/gqlgen"
