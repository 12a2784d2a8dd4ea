package domain

import (
	"slices"
	"strings"
)

// KeepClosest applies a neighbourhood's limit the one way every backend
// must: levels[d] holds the entities first reached at d hops (levels[0] the
// start). Whole levels are kept while they fit, then the smallest ids of the
// level that does not. The kept ids come back sorted; truncated says
// whether any was cut.
func KeepClosest(levels [][]string, limit int) (ids []string, truncated bool) {
	return KeepClosestFunc(levels, limit, strings.Compare)
}

// KeepClosestFunc is KeepClosest for entities named otherwise than by id
// (a store's own numbers for them): byID orders two as their ids do.
func KeepClosestFunc[T any](levels [][]T, limit int, byID func(a, b T) int) (kept []T, truncated bool) {
	for _, level := range levels {
		room := limit - len(kept)
		if len(level) > room {
			level = slices.Clone(level)
			slices.SortFunc(level, byID)
			level, truncated = level[:room], true
		}
		kept = append(kept, level...)
	}
	slices.SortFunc(kept, byID)
	return kept, truncated
}
