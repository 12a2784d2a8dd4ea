package server

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/export"
	"github.com/conflictgraph/conflictgraph/graph"
)

// exportHandler serves GET /export?format=cytoscape[&id=ID&depth=N&limit=N]:
// the whole graph, or the neighbourhood of one entity, shaped for a
// visualization library.
func exportHandler(st domain.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, err := exportSubgraph(r, st)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, export.ToCytoscape(sub))
	})
}

func exportSubgraph(r *http.Request, st domain.Store) (*domain.Subgraph, error) {
	q := r.URL.Query()
	for key, values := range q {
		switch key {
		case "format", "id", "depth", "limit":
		default:
			return nil, domain.Invalidf("unknown parameter %q; export takes format, id, depth and limit", key)
		}
		if len(values) > 1 {
			return nil, domain.Invalidf("the parameter %q is given %d times; give it once", key, len(values))
		}
	}
	if f := q.Get("format"); f != "" && f != "cytoscape" {
		return nil, domain.Invalidf("format %q is not supported; use format=cytoscape", f)
	}
	id := q.Get("id")
	depth, err := intParam(q.Get("depth"), "depth", 1)
	if err != nil {
		return nil, err
	}
	limit, err := intParam(q.Get("limit"), "limit", domain.MaxSubgraphSize)
	if err != nil {
		return nil, err
	}
	if id == "" {
		if q.Has("depth") || q.Has("limit") {
			return nil, domain.Invalidf("depth and limit restrict a neighbourhood: give id too")
		}
		g, err := st.Snapshot(r.Context())
		if err != nil {
			return nil, err
		}
		return &domain.Subgraph{Entities: g.Entities, Relationships: g.Relationships}, nil
	}
	nq := domain.NeighborhoodQuery{ID: id, Depth: depth, Limit: limit}
	if err := nq.Validate(); err != nil {
		return nil, err
	}
	return st.Neighborhood(r.Context(), nq)
}

func intParam(s, name string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, domain.Invalidf("%s must be a whole number, got %q", name, s)
	}
	return n, nil
}

var httpStatus = map[domain.Code]int{
	domain.CodeInvalid:     http.StatusBadRequest,
	domain.CodeNotFound:    http.StatusNotFound,
	domain.CodeConflict:    http.StatusConflict,
	domain.CodeUnavailable: http.StatusServiceUnavailable,
	domain.CodeTimeout:     http.StatusGatewayTimeout,
	domain.CodeCanceled:    statusClientClosedRequest,
	domain.CodeOverloaded:  http.StatusServiceUnavailable,
	domain.CodeInternal:    http.StatusInternalServerError,
}

// writeError answers a plain-HTTP endpoint's failure with the same codes and
// words GraphQL uses (graph.Present): {"error": {"code": ..., "message": ...}}.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := graph.Present(r.Context(), log, RequestID, err, "path", r.URL.Path)
	setOutcome(r.Context(), p.Code)
	body := map[string]any{"code": p.Code, "message": p.Message}
	if p.Limit != nil {
		body["reason"], body["limit"], body["value"] = graph.ReasonLimitExceeded, p.Limit.Max, p.Limit.Value
	}
	code := domain.ErrorCode(err)
	if code == domain.CodeUnavailable || code == domain.CodeOverloaded {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(err)))
	}
	writeJSON(w, httpStatus[code], map[string]any{"error": body})
}
