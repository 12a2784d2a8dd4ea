package domain

import "slices"

// KeepClosest applies a neighbourhood's limit the one way every backend
// must: levels[d] holds the entities first reached at d hops (levels[0] the
// start). Whole levels are kept while they fit, then the smallest ids of the
// level that does not. The kept ids come back sorted; truncated says
// whether any was cut.
func KeepClosest(levels [][]string, limit int) (ids []string, truncated bool) {
	for _, level := range levels {
		room := limit - len(ids)
		if len(level) > room {
			level = slices.Clone(level)
			slices.Sort(level)
			level, truncated = level[:room], true
		}
		ids = append(ids, level...)
	}
	slices.Sort(ids)
	return ids, truncated
}
