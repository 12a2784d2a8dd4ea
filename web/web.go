// Package web serves the pages the binary carries: the GraphiQL playground
// at / and the graph explorer at /explore, with their scripts and styles and
// the front-end libraries they use (vendor/, copied from npm by `make web`
// and committed). Everything is embedded with go:embed, so the pages work
// on a machine without internet and ask nothing of another origin.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/export"
)

//go:embed static vendor
var files embed.FS

// contentSecurityPolicy lets the pages load scripts, styles, fonts and data
// from their own origin only (GraphiQL's fonts and icons are data: URLs in
// its stylesheet; the explorer's PNG download is a blob: URL), so a page
// cannot reach another origin even by mistake.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// Pages serves the playground, the explorer and their assets.
type Pages struct {
	assets     map[string]asset
	playground []byte
	explorer   []byte
}

type asset struct {
	body        []byte
	contentType string
	etag        string
}

// explorerConfig is what the explorer reads from its page: the domain's
// enums and limits, and the attributes a GraphML file declares, so the page
// never keeps its own copy of them.
type explorerConfig struct {
	Kinds          []domain.EntityKind   `json:"kinds"`
	Types          []domain.RelationType `json:"types"`
	TypeDocs       map[string]string     `json:"typeDocs"`
	Certainties    []domain.Certainty    `json:"certainties"`
	MaxDepth       int                   `json:"maxDepth"`
	MaxLimit       int                   `json:"maxLimit"`
	NodeAttributes []export.Attribute    `json:"nodeAttributes"`
	EdgeAttributes []export.Attribute    `json:"edgeAttributes"`
}

// New reads the embedded files once; it fails only if the binary was built
// without them.
func New() (*Pages, error) {
	p := &Pages{assets: map[string]asset{}}
	for _, dir := range []string{"static", "vendor"} {
		err := fs.WalkDir(files, dir, func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(name, ".html") {
				return err
			}
			body, err := files.ReadFile(name)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(body)
			url := strings.TrimPrefix(name, "static/")
			ct := mime.TypeByExtension(path.Ext(name))
			if ct == "" {
				ct = "application/octet-stream"
			}
			p.assets[url] = asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("web: embedded files: %w", err)
		}
	}
	var err error
	if p.playground, err = files.ReadFile("static/playground.html"); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	node, edge := export.Attributes()
	docs := map[string]string{}
	for t, doc := range domain.RelationTypeDocs {
		docs[string(t)] = doc
	}
	cfg, err := json.Marshal(explorerConfig{
		Kinds: domain.EntityKinds, Types: domain.RelationTypes, TypeDocs: docs, Certainties: domain.Certainties,
		MaxDepth: domain.MaxDepth, MaxLimit: domain.MaxSubgraphSize, NodeAttributes: node, EdgeAttributes: edge,
	})
	if err != nil {
		return nil, fmt.Errorf("web: explorer config: %w", err)
	}
	tmpl, err := template.ParseFS(files, "static/explorer.html")
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	var page bytes.Buffer
	if err := tmpl.Execute(&page, map[string]any{"Config": template.JS(cfg)}); err != nil {
		return nil, fmt.Errorf("web: explorer page: %w", err)
	}
	p.explorer = page.Bytes()
	return p, nil
}

// Playground serves the GraphiQL page (GET /).
func (p *Pages) Playground() http.Handler { return page(p.playground) }

// Explorer serves the graph explorer (GET /explore). Its state is in the
// query string, which the page reads itself.
func (p *Pages) Explorer() http.Handler { return page(p.explorer) }

// Assets serves the pages' files under the prefix the request path has
// before their name (GET /assets/NAME), each with an ETag, so a browser asks
// again cheaply and always gets the files of the running binary.
func (p *Pages) Assets(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := p.assets[strings.TrimPrefix(r.URL.Path, prefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("ETag", a.etag)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
	})
}

func page(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(body)
	})
}
