package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/web"
)

type example struct {
	Title     string `json:"title"`
	Query     string `json:"query"`
	Variables string `json:"variables"`
}

func readExamples(t *testing.T) []example {
	t.Helper()
	b, err := os.ReadFile("static/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex []example
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatalf("static/examples.json: %v", err)
	}
	return ex
}

// TestExamplesAreTheREADMEs keeps the playground's tabs in step with the
// README: every GraphQL example there is a tab (with an operation name and
// its section as a comment), and every tab is an example there.
func TestExamplesAreTheREADMEs(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var inREADME []string
	for _, m := range regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		inREADME = append(inREADME, strings.TrimSpace(m[1]))
	}
	for _, m := range regexp.MustCompile(`"query": "((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(string(readme), -1) {
		var q string
		if err := json.Unmarshal([]byte(`"`+m[1]+`"`), &q); err != nil {
			t.Fatal(err)
		}
		inREADME = append(inREADME, q)
	}
	for _, m := range regexp.MustCompile(`--data-urlencode 'query=([^']*)'`).FindAllStringSubmatch(string(readme), -1) {
		inREADME = append(inREADME, m[1])
	}
	// A tab is the README's text with "# title" above it and an operation
	// name after "query".
	named := regexp.MustCompile(`^query [A-Za-z0-9]+ ?`)
	tabs := map[string]bool{}
	for _, ex := range readExamples(t) {
		q := strings.TrimSpace(ex.Query)
		if !strings.HasPrefix(q, "# "+ex.Title+"\n") {
			t.Errorf("tab %q does not start with its title as a comment", ex.Title)
		}
		q = strings.TrimPrefix(q, "# "+ex.Title+"\n")
		if strings.HasPrefix(q, "query ") && !named.MatchString(q) {
			t.Errorf("tab %q has no operation name, so GraphiQL shows it as <untitled>", ex.Title)
		}
		q = named.ReplaceAllStringFunc(q, func(s string) string {
			if strings.HasSuffix(s, " ") {
				return ""
			}
			return "query"
		})
		tabs[q] = true
	}
	for _, q := range inREADME {
		if !tabs[q] {
			t.Errorf("the README's example is not a playground tab; add it to web/static/examples.json:\n%s", q)
		}
		delete(tabs, q)
	}
	for q := range tabs {
		t.Errorf("a playground tab is not in the README:\n%s", q)
	}
	if len(inREADME) < 6 {
		t.Errorf("found %d examples in the README: the patterns no longer match it", len(inREADME))
	}
}

func TestPagesAndAssets(t *testing.T) {
	pages, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", pages.Playground())
	mux.Handle("GET /explore", pages.Explorer())
	mux.Handle("GET /assets/", pages.Assets("/assets/"))
	get := func(target string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		target, status, contentType string
	}{
		{"/", "200", "text/html; charset=utf-8"},
		{"/explore?focus=mali&asOf=2022", "200", "text/html; charset=utf-8"},
		{"/assets/vendor/graphiql.min.js", "200", "text/javascript; charset=utf-8"},
		{"/assets/vendor/graphiql.min.css", "200", "text/css; charset=utf-8"},
		{"/assets/vendor/cytoscape.min.js", "200", "text/javascript; charset=utf-8"},
		{"/assets/vendor/LICENSES.txt", "200", "text/plain; charset=utf-8"},
		{"/assets/explorer.js", "200", "text/javascript; charset=utf-8"},
		{"/assets/examples.json", "200", "application/json"},
		{"/assets/explorer.html", "404", ""},
		{"/assets/nothing.js", "404", ""},
	}
	for _, tt := range tests {
		rec := get(tt.target)
		if got := http.StatusText(rec.Code); rec.Code != map[string]int{"200": 200, "404": 404}[tt.status] {
			t.Errorf("%s: %d %s", tt.target, rec.Code, got)
			continue
		}
		if tt.contentType != "" && rec.Header().Get("Content-Type") != tt.contentType {
			t.Errorf("%s: content type %q, want %q", tt.target, rec.Header().Get("Content-Type"), tt.contentType)
		}
	}

	// Pages may load nothing from another origin.
	for _, target := range []string{"/", "/explore"} {
		csp := get(target).Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "connect-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", target, csp)
		}
	}
	// Assets are revalidated by ETag.
	first := get("/assets/vendor/cytoscape.min.js")
	etag := first.Header().Get("ETag")
	if etag == "" || first.Body.Len() < 100000 {
		t.Fatalf("no ETag (%q) or a short body (%d bytes)", etag, first.Body.Len())
	}
	if again := get("/assets/vendor/cytoscape.min.js", "If-None-Match", etag); again.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", again.Code)
	}
	// The explorer's configuration is the domain's, as JSON in the page.
	body := get("/explore").Body.String()
	m := regexp.MustCompile(`(?s)<script type="application/json" id="config">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the explorer page has no configuration")
	}
	var cfg struct {
		Types          []string
		Kinds          []string
		MaxLimit       int
		NodeAttributes []struct{ Name, Type string }
	}
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("configuration: %v: %s", err, m[1])
	}
	if len(cfg.Types) < 40 || len(cfg.Kinds) != 11 || cfg.MaxLimit != 5000 || len(cfg.NodeAttributes) < 15 {
		t.Errorf("configuration %+v", cfg)
	}
	// Every script and stylesheet the pages name is served.
	for _, target := range []string{"/", "/explore"} {
		for _, m := range regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(get(target).Body.String(), -1) {
			if rec := get(m[1]); rec.Code != http.StatusOK {
				t.Errorf("%s names %s, which answers %d", target, m[1], rec.Code)
			}
		}
	}
}
