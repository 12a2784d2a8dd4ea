package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/export"
	"github.com/conflictgraph/conflictgraph/graph"
)

// exportHandler serves GET /export?format=cytoscape[&id=ID&depth=N&limit=N]:
// the whole graph, or the neighbourhood of one entity, shaped for a
// visualization library, with the sources its citations name.
func exportHandler(st domain.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, err := exportSubgraph(r, st)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		sources, err := st.SourcesByIDs(r.Context(), export.CitedSources(sub))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, export.ToCytoscape(sub, sources))
	})
}

func exportSubgraph(r *http.Request, st domain.Store) (*domain.Subgraph, error) {
	q := r.URL.Query()
	for key := range q {
		switch key {
		case "format", "id", "depth", "limit":
		default:
			return nil, domain.Invalidf("unknown parameter %q; export takes format, id, depth and limit", key)
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
	domain.CodeInvalid:         http.StatusBadRequest,
	domain.CodeNotFound:        http.StatusNotFound,
	domain.CodeConflict:        http.StatusConflict,
	domain.CodeUnavailable:     http.StatusServiceUnavailable,
	domain.CodeTimeout:         http.StatusGatewayTimeout,
	domain.CodeInternal:        http.StatusInternalServerError,
	domain.CodeUnauthenticated: http.StatusUnauthorized,
	domain.CodeForbidden:       http.StatusForbidden,
}

// writeError answers a plain-HTTP endpoint's failure with the same codes
// GraphQL uses: {"error": {"code": ..., "message": ...}}.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code := domain.ErrorCode(err)
	gqlCode := graph.ExtensionCode(code)
	msg := err.Error()
	setOutcome(r.Context(), gqlCode)
	body := map[string]any{"code": gqlCode, "message": msg}
	var derr *domain.Error
	if errors.As(err, &derr) && derr.Limit != nil && code == domain.CodeInvalid {
		body["reason"], body["limit"], body["value"] = graph.ReasonLimitExceeded, derr.Limit.Max, derr.Limit.Value
	}
	if code == domain.CodeInternal {
		id := RequestID(r.Context())
		log.ErrorContext(r.Context(), "internal error", "request_id", id, "path", r.URL.Path, "err", err)
		body["message"] = "internal error; quote request id " + id + " when reporting it"
	}
	if code == domain.CodeTimeout {
		body["message"] = "the request took longer than its deadline"
	}
	writeJSON(w, httpStatus[code], map[string]any{"error": body})
}
