package server

import (
	"context"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/export"
	"github.com/conflictgraph/conflictgraph/graph"
)

// exportHandler serves GET /export?format=F[&id=ID&depth=N&limit=N][&asOf=DATE][&types=T,...]:
// the whole graph, or the neighbourhood of one entity, as Cytoscape.js JSON
// (the default), GraphML, GEXF or a zip of CSV files, with the sources its
// citations name. asOf and types keep
// the relationships that hold at that date and are of those types. The
// subgraph is read before anything is written, so every failure is an
// error answer; the file itself is streamed element by element.
func exportHandler(st domain.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := parseExport(r)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		sub, err := exportSubgraph(r.Context(), st, req)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		sources, err := st.SourcesByIDs(r.Context(), export.CitedSources(sub))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", req.format.ContentType())
		h.Set("X-Export-Truncated", strconv.FormatBool(sub.Truncated))
		if req.format != export.FormatCytoscape {
			name := "conflictgraph"
			if req.query.ID != "" {
				name += "-" + req.query.ID
			}
			h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + req.format.Extension()}))
		}
		w.WriteHeader(http.StatusOK)
		if err := export.Write(w, req.format, sub, sources); err != nil {
			// The answer has begun: the status is sent, so the client
			// sees a cut file. It almost always means the client left.
			log.InfoContext(r.Context(), "export cut short", "request_id", RequestID(r.Context()), "err", err)
		}
	})
}

// exportRequest is what an export asks for: the format and the
// neighbourhood (ID empty for the whole graph) with its filter.
type exportRequest struct {
	format export.Format
	query  domain.NeighborhoodQuery
}

func parseExport(r *http.Request) (exportRequest, error) {
	q := r.URL.Query()
	for key, values := range q {
		switch key {
		case "format", "id", "depth", "limit", "asOf", "types":
		default:
			return exportRequest{}, domain.Invalidf("unknown parameter %q; export takes format, id, depth, limit, asOf and types", key)
		}
		if len(values) > 1 && key != "types" { // types may repeat: types=A&types=B
			return exportRequest{}, domain.Invalidf("the parameter %q is given %d times; give it once", key, len(values))
		}
	}
	format, err := export.ParseFormat(q.Get("format"))
	if err != nil {
		return exportRequest{}, err
	}
	depth, err := intParam(q.Get("depth"), "depth", 1)
	if err != nil {
		return exportRequest{}, err
	}
	limit, err := intParam(q.Get("limit"), "limit", domain.MaxSubgraphSize)
	if err != nil {
		return exportRequest{}, err
	}
	nq := domain.NeighborhoodQuery{ID: q.Get("id"), Depth: depth, Limit: limit}
	if s := q.Get("asOf"); s != "" {
		if nq.Filter.AsOf, err = domain.ParsePartialDate(s); err != nil {
			return exportRequest{}, domain.InvalidField("asOf", "%s", err.Error())
		}
	}
	for _, list := range q["types"] {
		for _, t := range strings.Split(list, ",") {
			if t = strings.TrimSpace(t); t != "" {
				nq.Filter.Types = append(nq.Filter.Types, domain.RelationType(t))
			}
		}
	}
	if nq.ID == "" && (q.Has("depth") || q.Has("limit")) {
		return exportRequest{}, domain.Invalidf("depth and limit restrict a neighbourhood: give id too")
	}
	if err := nq.Validate(); err != nil {
		return exportRequest{}, err
	}
	return exportRequest{format: format, query: nq}, nil
}

// exportSubgraph reads what the request asks: the neighbourhood, or the
// whole graph with every entity and the relationships passing the filter.
func exportSubgraph(ctx context.Context, st domain.Store, req exportRequest) (*domain.Subgraph, error) {
	if req.query.ID != "" {
		return st.Neighborhood(ctx, req.query)
	}
	g, err := st.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	rels := g.Relationships
	if f := req.query.Filter; len(f.Types) > 0 || !f.AsOf.IsZero() {
		rels = make([]*domain.Relationship, 0, len(g.Relationships))
		for _, rel := range g.Relationships {
			if f.Match(rel, rel.FromID) {
				rels = append(rels, rel)
			}
		}
	}
	return &domain.Subgraph{Entities: g.Entities, Relationships: rels}, nil
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
	domain.CodeCanceled:        statusClientClosedRequest,
	domain.CodeOverloaded:      http.StatusServiceUnavailable,
	domain.CodeInternal:        http.StatusInternalServerError,
	domain.CodeUnauthenticated: http.StatusUnauthorized,
	domain.CodeForbidden:       http.StatusForbidden,
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
	if len(p.Problems) > 0 {
		body["field"] = p.Problems[0].Field
	}
	code := domain.ErrorCode(err)
	if code == domain.CodeUnavailable || code == domain.CodeOverloaded {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(err)))
	}
	writeJSON(w, httpStatus[code], map[string]any{"error": body})
}
