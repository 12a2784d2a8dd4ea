package web_test

// The tests in this file drive a real headless Chromium (Debian's chromium
// package) against the real server, as a user would: the playground runs a
// query, the explorer draws Wagner's neighbourhood, finds a path and applies
// an as-of year, and no page asks anything of another origin. They skip,
// saying how to run them, without Chromium; REQUIRE_BROWSER=1 (as in CI)
// turns the skip into a failure. UPDATE_SCREENSHOTS=1 (make screenshots)
// writes the README's screenshots.

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/prereq"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// chromiumPath finds the browser: $CHROMIUM, or chromium on PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	prereq.Missing(t, "REQUIRE_BROWSER", "no Chromium: install Debian's chromium (apt-get install chromium) or set CHROMIUM to a Chrome binary")
	return ""
}

// session is a browser tab on a server, recording every request the
// browser makes and every error a page reports.
type session struct {
	t      *testing.T
	ctx    context.Context
	origin string

	mu        sync.Mutex
	requests  []string
	errors    []string
	headers   map[string][]network.Headers // request headers by URL path
	downloads chan string                  // guid of each finished download
	expected  []string                     // URL parts whose failed loads the test asked for
}

// expectFailure lets a load of a URL containing part fail (a 404 the test
// provokes) without failing the test.
func (s *session) expectFailure(part string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expected = append(s.expected, part)
}

// newSession starts a fresh headless Chromium, with its own profile and no
// network beyond the test server, and opens a tab.
func newSession(t *testing.T, srv *httptest.Server) *session {
	t.Helper()
	exe := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	s := &session{t: t, ctx: ctx, origin: srv.URL, headers: map[string][]network.Headers{}, downloads: make(chan string, 8)}
	listen := chromedp.Listen(ctx, func(ev any) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			s.requests = append(s.requests, ev.Request.URL)
			if u, err := url.Parse(ev.Request.URL); err == nil {
				s.headers[u.Path] = append(s.headers[u.Path], ev.Request.Headers)
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			s.errors = append(s.errors, fmt.Sprintf("exception: %s at %s:%d", text, d.URL, d.LineNumber))
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				s.errors = append(s.errors, fmt.Sprintf("console (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				s.errors = append(s.errors, "console.error: "+consoleText(ev.Args))
			}
		}
	})
	if listen != nil {
		t.Fatalf("browser: %v", listen)
	}
	dir := t.TempDir()
	err := chromedp.ListenBrowser(ctx, func(ev any) {
		if ev, ok := ev.(*browser.EventDownloadProgress); ok && ev.State == browser.DownloadProgressStateCompleted {
			select {
			case s.downloads <- filepath.Join(dir, ev.GUID):
			default:
			}
		}
	})
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	events := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events,
	}); err != nil {
		t.Fatalf("browser: %v", err)
	}
	t.Cleanup(s.checkClean)
	return s
}

func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a.Value != nil {
			parts = append(parts, string(a.Value))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

func (s *session) run(actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, actions...); err != nil {
		s.t.Fatalf("browser: %v", err)
	}
}

// checkClean fails the test when a page asked another origin for anything
// or reported an error.
func (s *session) checkClean() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.requests {
		if !strings.HasPrefix(u, s.origin+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:"+s.origin+"/") {
			s.t.Errorf("the browser asked another origin: %s", u)
		}
	}
	for _, e := range s.errors {
		if !slices.ContainsFunc(s.expected, func(part string) bool { return strings.Contains(e, part) }) {
			s.t.Errorf("the page reported an error: %s", e)
		}
	}
}

func (s *session) requestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// eval evaluates a JavaScript expression into a T.
func eval[T any](s *session, expr string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		s.t.Fatalf("browser: %s: %v", expr, err)
	}
	return v
}

// do evaluates a JavaScript expression for its effect.
func (s *session) do(expr string) {
	s.t.Helper()
	s.run(chromedp.Evaluate[chromedp.Void]("void (" + expr + ")"))
}

// waitFor polls a JavaScript condition until it holds.
func (s *session) waitFor(cond string) {
	s.t.Helper()
	if !s.waitWithin(cond, 2*time.Minute) {
		s.t.Fatalf("browser: waiting for %s: timed out", cond)
	}
}

// waitWithin reports whether cond holds in the page within d.
func (s *session) waitWithin(cond string, d time.Duration) bool {
	s.t.Helper()
	_, err := chromedp.Run(s.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(d)))
	if err != nil && !errors.Is(err, chromedp.ErrPollingTimeout) {
		s.t.Fatalf("browser: waiting for %s: %v", cond, err)
	}
	return err == nil
}

// download waits for the next finished download and returns its content.
func (s *session) download() []byte {
	s.t.Helper()
	select {
	case path := <-s.downloads:
		b, err := os.ReadFile(path)
		if err != nil {
			s.t.Fatal(err)
		}
		return b
	case <-s.ctx.Done():
		s.t.Fatal("no download finished")
	}
	return nil
}

// screenshot captures the tab and checks it shows something; with
// UPDATE_SCREENSHOTS=1 it is written to docs/screenshots/NAME.
func (s *session) screenshot(name string) {
	s.t.Helper()
	buf, err := chromedp.Run(s.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if colours := distinctColours(img); colours < 50 {
		s.t.Errorf("screenshot %s has %d colours: the page looks blank", name, colours)
	}
	if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		path := filepath.Join("..", "docs", "screenshots", name)
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			s.t.Fatal(err)
		}
		s.t.Logf("wrote %s", path)
	}
}

func distinctColours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

// serveGraph serves a graph through the same handler chain as the command,
// on a loopback port.
func serveGraph(t *testing.T, g *domain.Graph) *httptest.Server {
	t.Helper()
	srv, _ := serveGraphWithKey(t, g)
	return srv
}

// serveGraphWithKey serves a graph as serveGraph does, with an editor's
// API key, which it returns.
func serveGraphWithKey(t *testing.T, g *domain.Graph) (*httptest.Server, string) {
	t.Helper()
	return serveGraphFor(t, g, false)
}

// serveGraphFor serves a graph with an editor's API key, which it returns;
// reads need a key when requireKey is set.
func serveGraphFor(t *testing.T, g *domain.Graph, requireKey bool) (*httptest.Server, string) {
	t.Helper()
	st := embedded.New()
	storetest.MustLoad(t, st, g)
	keys := embedded.NewKeys()
	key, secret, err := domain.NewAPIKey("browser", domain.RoleEditor, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.AddKey(context.Background(), key); err != nil {
		t.Fatal(err)
	}
	h, err := server.New(server.Config{Store: st, Keys: keys, RequireKeyForReads: requireKey, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, secret
}

func seedGraph(t *testing.T) *domain.Graph {
	t.Helper()
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	return s.Graph
}

// getJSON fetches a URL of the test server and decodes its JSON.
func getJSON(t *testing.T, target string, v any) {
	t.Helper()
	res, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: HTTP %d", target, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", target, err)
	}
}

// postGraphQL runs a query on the test server.
func postGraphQL(t *testing.T, srv *httptest.Server, query string, v any) {
	t.Helper()
	postGraphQLAs(t, srv, "", query, v)
}

// postGraphQLAs is postGraphQL with an API key ("" for none).
func postGraphQLAs(t *testing.T, srv *httptest.Server, key, query string, v any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var resp struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&resp); err != nil || len(resp.Errors) > 0 {
		t.Fatalf("GraphQL: %v %v", err, resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, v); err != nil {
		t.Fatal(err)
	}
}

// exportIDs is the sorted node ids of a Cytoscape export of the server.
func exportIDs(t *testing.T, srv *httptest.Server, query string) []string {
	t.Helper()
	var doc struct {
		Elements struct {
			Nodes []struct{ Data struct{ ID string } }
		}
	}
	getJSON(t, srv.URL+"/export?format=cytoscape&"+query, &doc)
	var ids []string
	for _, n := range doc.Elements.Nodes {
		ids = append(ids, n.Data.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestPlaygroundInBrowser(t *testing.T) {
	srv, key := serveGraphWithKey(t, seedGraph(t))
	s := newSession(t, srv)
	s.run(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".graphiql-container")))

	// The README's examples are the tabs, the first one open.
	examples := readExamples(t)
	s.waitFor(fmt.Sprintf(`document.querySelectorAll('.graphiql-tab').length === %d`, len(examples)))
	query := eval[string](s, `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()`)
	if query != examples[0].Query {
		t.Errorf("first tab holds %q, want %q", query, examples[0].Query)
	}

	// A user pastes an API key into the headers editor and runs the query:
	// the key goes with the request and the answer is shown.
	s.waitFor(`document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror') !== null`)
	s.do(`document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror.setValue('{"Authorization": "Bearer ` + key + `"}')`)
	s.run(chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	s.waitFor(`document.querySelector('.result-window .CodeMirror') && document.querySelector('.result-window .CodeMirror').CodeMirror.getValue().includes('assimi-goita')`)
	result := eval[string](s, `document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()`)
	var resp struct {
		Data struct {
			Search []struct{ ID, Name string }
		}
	}
	if err := json.Unmarshal([]byte(result), &resp); err != nil || len(resp.Data.Search) == 0 || resp.Data.Search[0].Name != "Assimi Goïta" {
		t.Errorf("the response pane shows %s (%v)", result, err)
	}
	s.mu.Lock()
	var sent bool
	for _, h := range s.headers["/graphql"] {
		if h["Authorization"] == "Bearer "+key {
			sent = true
		}
	}
	s.mu.Unlock()
	if !sent {
		t.Error("the header from the headers editor was not sent with the query")
	}
	s.screenshot("playground.png")

	// The subscription tab follows the feed over a WebSocket to this same
	// origin: a write made elsewhere shows in the response pane.
	tab := -1
	for i, ex := range examples {
		if strings.Contains(ex.Query, "subscription ChangesAsApplied") {
			tab = i
		}
	}
	if tab < 0 {
		t.Fatal("no example subscribes to the feed")
	}
	s.do(fmt.Sprintf(`document.querySelectorAll('.graphiql-tab button.graphiql-tab-button')[%d].click()`, tab))
	// GraphiQL takes the new tab's operation in after a short debounce and
	// then stores its name; only then does the execute button run it.
	s.waitFor(`Object.keys(localStorage).some(k => k.endsWith('operationName') && localStorage.getItem(k) === 'ChangesAsApplied')`)
	s.run(chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	// The subscription starts at the graph's revision when it opens, which
	// the page cannot tell the test: a write is made until one shows.
	shows := `(document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue() ?? '').includes('"actor": "browser"')`
	var added struct {
		AddRelationship struct{ Change struct{ Revision int } }
	}
	for attempt := 1; ; attempt++ {
		postGraphQLAs(t, srv, key, `mutation { addRelationship(input: {type: COOPERATES_WITH, from: "mali", to: "niger",
		  citations: [{source: "crs-if10116-2024", quote: "Mali and Niger cooperate."}]}) { change { revision } } }`, &added)
		if s.waitWithin(shows, 2*time.Second) {
			break
		}
		if attempt == 15 {
			t.Fatalf("no change reached the playground's subscription; the pane shows %q",
				eval[string](s, `document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue() ?? ''`))
		}
	}
}

// TestExplorerWithAKey uses the explorer on a server that needs a key to
// read: with the key in its field, search and the neighbourhood work.
func TestExplorerWithAKey(t *testing.T) {
	srv, key := serveGraphFor(t, seedGraph(t), true)
	s := newSession(t, srv)
	s.expectFailure("/graphql") // the first search, without the key, is refused (401)
	s.run(chromedp.Navigate(srv.URL+"/explore"), chromedp.WaitVisible(chromedp.ID("search")))
	s.run(chromedp.SetValue(chromedp.ID("search"), "wagner"), chromedp.Click(chromedp.CSS(`#search-form button[type="submit"]`)))
	s.waitFor(`document.querySelector('#search-results li[role=alert]')?.textContent.includes('API key')`)
	s.do(`document.getElementById('key-box').open = true`)
	s.run(chromedp.SetValue(chromedp.ID("api-key"), key), chromedp.Click(chromedp.CSS(`#search-form button[type="submit"]`)))
	s.waitFor(`document.querySelector('#search-results button[data-id="wagner-group"]') !== null`)
	s.run(chromedp.Click(chromedp.CSS(`#search-results button[data-id="wagner-group"]`)))
	s.waitFor(`document.querySelectorAll('#entity-list li').length > 3`)
}

func TestExplorerInBrowser(t *testing.T) {
	srv := serveGraph(t, seedGraph(t))
	s := newSession(t, srv)
	listed := func() []string {
		ids := eval[[]string](s, `[...document.querySelectorAll('#entity-list li')].map(li => li.dataset.id)`)
		slices.Sort(ids)
		return ids
	}
	draws := func() int { return eval[int](s, `window.explorer ? window.explorer.stats.draws : 0`) }
	const ready = `document.getElementById('status').dataset.state === 'ready'`
	waitDrawn := func(before int) {
		t.Helper()
		s.waitFor(fmt.Sprintf(`window.explorer && window.explorer.stats.draws > %d && %s`, before, ready))
	}

	// Search, ranked as GraphQL's search ranks, then open the first match.
	s.run(chromedp.Navigate(srv.URL+"/explore"), chromedp.WaitVisible(chromedp.ID("search")))
	var ranked struct {
		Search []struct{ ID string }
	}
	postGraphQL(t, srv, `{ search(text: "wagner", first: 10) { id } }`, &ranked)
	s.run(chromedp.SetValue(chromedp.ID("search"), "wagner"), chromedp.Click(chromedp.CSS(`#search-form button[type="submit"]`)))
	s.waitFor(fmt.Sprintf(`document.querySelectorAll('#search-results button').length === %d`, len(ranked.Search)))
	results := eval[[]string](s, `[...document.querySelectorAll('#search-results button')].map(b => b.dataset.id)`)
	var wantRanked []string
	for _, r := range ranked.Search {
		wantRanked = append(wantRanked, r.ID)
	}
	if !slices.Equal(results, wantRanked) || results[0] != "wagner-group" {
		t.Fatalf("search results %q, want %q", results, wantRanked)
	}
	s.run(chromedp.Click(chromedp.CSS(`#search-results button[data-id="wagner-group"]`)))
	waitDrawn(0)
	if loc := eval[string](s, `location.search`); loc != "?focus=wagner-group" {
		t.Errorf("the URL after opening Wagner is %q", loc)
	}
	want := exportIDs(t, srv, "id=wagner-group")
	if got := listed(); !slices.Equal(got, want) || len(got) < 5 {
		t.Fatalf("entities in view %q, want Wagner's neighbourhood %q", got, want)
	}
	if drawn := eval[int](s, `window.explorer.cy.nodes().length`); drawn != len(want) {
		t.Errorf("%d nodes drawn, %d listed", drawn, len(want))
	}
	t.Logf("explorer, first draw of Wagner's neighbourhood (%d nodes, %d edges): %d ms",
		len(want), eval[int](s, `window.explorer.stats.edges`), eval[int](s, `window.explorer.stats.firstDrawMs`))
	// Its details: the entity's own citations, with their sources.
	s.waitFor(`document.querySelector('#details .entity-name') !== null && document.querySelector('#details .quote') !== null`)
	name := eval[string](s, `document.querySelector('#details .entity-name').textContent`)
	quote := eval[string](s, `document.querySelector('#details .quote').textContent`)
	if name != "Wagner Group" || !strings.Contains(quote, "Wagner") {
		t.Errorf("details show %q, quote %q", name, quote)
	}
	if text := eval[string](s, `document.getElementById('details').innerText`); strings.Contains(text, "null") || strings.Contains(text, "undefined") {
		t.Errorf("the details show a missing value:\n%s", text)
	}

	// A link's details: dates, amount with its qualifier, quotes.
	s.do(`window.explorer.cy.getElementById('mali.funded.wagner-group.monthly-fee').emit('tap')`)
	s.waitFor(`document.querySelector('#details .link') !== null`)
	link := eval[string](s, `document.getElementById('details').innerText`)
	for _, w := range []string{"Mali —FUNDED→ Wagner Group", "REPORTED", "$10,000,000", "2021", "reportedly agreed to pay Wagner $10 million per month"} {
		if !strings.Contains(link, w) {
			t.Errorf("the link's details lack %q:\n%s", w, link)
		}
	}

	// The path from Wagner to the 2023 sanctions, each hop's quote in order.
	var gql struct {
		Paths []struct {
			Relationships []struct {
				Citations []struct{ Quote string }
			}
		}
	}
	postGraphQL(t, srv, `{ paths(from: "wagner-group", to: "us-russia-related-sanctions-mali-2023", first: 3) { relationships { citations { quote } } } }`, &gql)
	s.run(
		chromedp.SetValue(chromedp.ID("path-from"), "wagner-group"),
		chromedp.SetValue(chromedp.ID("path-to"), "us-russia-related-sanctions-mali-2023"),
		chromedp.Click(chromedp.ID("path-find")),
	)
	s.waitFor(`document.querySelectorAll('#path-results .path-item').length > 0 && ` + ready)
	quotes := eval[[][]string](s, `[...document.querySelectorAll('#path-results .path-item')].map(p => [...p.querySelectorAll('.quote')].map(q => q.textContent))`)
	if len(quotes) != len(gql.Paths) || len(quotes) == 0 {
		t.Fatalf("%d paths listed, GraphQL finds %d", len(quotes), len(gql.Paths))
	}
	for i, p := range gql.Paths {
		var wantQuotes []string
		for _, r := range p.Relationships {
			for _, c := range r.Citations {
				wantQuotes = append(wantQuotes, c.Quote)
			}
		}
		if !slices.Equal(quotes[i], wantQuotes) {
			t.Errorf("path %d lists quotes %q, want %q", i+1, quotes[i], wantQuotes)
		}
	}
	if !strings.Contains(strings.Join(quotes[0], " "), "entrenchment in Mali") {
		t.Errorf("the shortest path's quotes %q do not cite Wagner's entrenchment", quotes[0])
	}
	if onPath := eval[int](s, `window.explorer.cy.edges('.path').length`); onPath == 0 {
		t.Error("no path drawn")
	}
	loc := eval[string](s, `location.search`)
	if !strings.Contains(loc, "from=wagner-group") || !strings.Contains(loc, "to=us-russia-related-sanctions-mali-2023") {
		t.Errorf("the URL %q does not keep the path", loc)
	}
	s.do(`document.querySelector('.controls').scrollTop = 0`)
	s.screenshot("explorer.png")
	s.run(chromedp.Click(chromedp.ID("path-clear")))

	// An as-of year redraws the view and goes into the URL.
	before := draws()
	s.do(`(() => { const any = document.getElementById('asof-any'); any.checked = false; any.dispatchEvent(new Event('change'));
		const r = document.getElementById('asof'); r.value = '2019'; r.dispatchEvent(new Event('change')); })()`)
	// The box and the year each ask for a view; the one for 2019 is drawn
	// last, whichever answer comes first.
	s.waitFor(fmt.Sprintf(`window.explorer.stats.draws > %d && window.explorer.stats.asOf === '2019' && %s`, before, ready))
	if loc := eval[string](s, `location.search`); !strings.Contains(loc, "asOf=2019") {
		t.Errorf("URL %q lacks asOf=2019", loc)
	}
	want2019 := exportIDs(t, srv, "id=wagner-group&asOf=2019")
	if got := listed(); !slices.Equal(got, want2019) || slices.Equal(want2019, want) {
		t.Errorf("as of 2019: entities %q, want %q (all time: %d)", got, want2019, len(want))
	}

	// A shared view opens as it was: focus, year and type filter.
	s.run(chromedp.Navigate(srv.URL + "/explore?focus=wagner-group&asOf=2022&types=DEPLOYED_TO,SUPPORTS,FUNDED"))
	waitDrawn(0)
	wantShared := exportIDs(t, srv, "id=wagner-group&asOf=2022&types=DEPLOYED_TO,SUPPORTS,FUNDED")
	slider := eval[string](s, `document.getElementById('asof').value`)
	if got := listed(); !slices.Equal(got, wantShared) || slider != "2022" {
		t.Errorf("shared view: entities %q (slider %s), want %q", got, slider, wantShared)
	}

	// Click an entity in the list, then again: its neighbourhood is added.
	s.run(chromedp.Click(chromedp.CSS(`#entity-list li[data-id="mali"] button`)))
	s.waitFor(`document.querySelector('#details .entity-name') !== null && document.querySelector('#details .entity-name').textContent === 'Mali'`)
	// Mali's figures, with their qualifiers and dates.
	s.waitFor(`document.querySelector('#details .figure') !== null`)
	figures := eval[string](s, `[...document.querySelectorAll('#details .figure')].map(f => f.innerText).join('\n')`)
	for _, w := range []string{"internally displaced people: at least 201,000 people (2019)", "refugees in neighboring countries: about 139,000 people (2019)", "nearly 139,000 were refugees"} {
		if !strings.Contains(figures, w) {
			t.Errorf("Mali's figures lack %q:\n%s", w, figures)
		}
	}
	s.run(chromedp.Click(chromedp.CSS(`#entity-list li[data-id="mali"] button`)))
	s.waitFor(`location.search.includes('expand=mali') && ` + ready)
	expanded := listed()
	for _, id := range exportIDs(t, srv, "id=mali&asOf=2022&types=DEPLOYED_TO,SUPPORTS,FUNDED") {
		if !slices.Contains(expanded, id) {
			t.Errorf("after expanding Mali, %s is not in view", id)
		}
	}

	// The view downloads as GraphML with every entity in view, and as PNG.
	s.run(chromedp.Click(chromedp.ID("export-graphml")))
	var doc struct {
		Keys []struct {
			Name string `xml:"attr.name,attr"`
		} `xml:"key"`
		Nodes []struct {
			ID string `xml:"id,attr"`
		} `xml:"graph>node"`
		Edges []struct {
			ID string `xml:"id,attr"`
		} `xml:"graph>edge"`
	}
	if err := xml.Unmarshal(s.download(), &doc); err != nil {
		t.Fatalf("the GraphML download does not parse: %v", err)
	}
	var nodes []string
	for _, n := range doc.Nodes {
		nodes = append(nodes, n.ID)
	}
	slices.Sort(nodes)
	edges := eval[int](s, `window.explorer.cy.edges().length`)
	if !slices.Equal(nodes, expanded) || len(doc.Edges) != edges || len(doc.Keys) < 20 {
		t.Errorf("GraphML of the view: %d nodes, %d edges, %d keys; the view has %d and %d", len(nodes), len(doc.Edges), len(doc.Keys), len(expanded), edges)
	}
	s.run(chromedp.Click(chromedp.ID("export-png")))
	if img, err := png.Decode(bytes.NewReader(s.download())); err != nil || img.Bounds().Dx() < 100 {
		t.Errorf("the PNG download: %v", err)
	}

	// The type filter, through its checkboxes: only the ticked types stay.
	before = draws()
	s.run(chromedp.Click(chromedp.ID("types-none")))
	s.do(`['DEPLOYED_TO', 'FIGHTS'].forEach(t => { document.querySelector('#types input[value="' + t + '"]').checked = true; })`)
	s.run(chromedp.Click(chromedp.ID("types-apply")))
	waitDrawn(before)
	if loc := eval[string](s, `location.search`); !strings.Contains(loc, "types=DEPLOYED_TO,FIGHTS") {
		t.Errorf("URL %q does not keep the types", loc)
	}
	if types := eval[[]string](s, `[...new Set(window.explorer.cy.edges().map(e => e.data('type')))]`); len(types) == 0 || slices.ContainsFunc(types, func(t string) bool { return t != "DEPLOYED_TO" && t != "FIGHTS" }) {
		t.Errorf("after filtering on DEPLOYED_TO and FIGHTS the view shows %q", types)
	}

	// An unknown focus says so, and draws nothing.
	s.expectFailure("/export?format=cytoscape&id=atlantiss")
	s.run(chromedp.Navigate(srv.URL + "/explore?focus=atlantiss"))
	s.waitFor(`document.getElementById('status').dataset.state === 'error'`)
	if msg := eval[string](s, `document.getElementById('status').textContent`); !strings.Contains(msg, `no entity has id "atlantiss"`) {
		t.Errorf("status %q", msg)
	}
}

// TestExplorerLargeNeighbourhood draws a 5,000-entity neighbourhood of a
// generated graph and logs the time to first draw (docs/benchmarks.md). It
// asserts what was drawn, never how fast.
func TestExplorerLargeNeighbourhood(t *testing.T) {
	if testing.Short() {
		t.Skip("draws 5,000 entities; not in -short")
	}
	g := storetest.Generate(20000, 60000, 7)
	srv := serveGraph(t, g)
	// The entity with the most links: its 2-hop neighbourhood passes the
	// limit, so the view holds the 5,000 closest entities.
	degree := map[string]int{}
	for _, r := range g.Relationships {
		degree[r.FromID]++
		degree[r.ToID]++
	}
	hub := ""
	for id, d := range degree {
		if hub == "" || d > degree[hub] || (d == degree[hub] && id < hub) {
			hub = id
		}
	}
	want := exportIDs(t, srv, "id="+hub+"&depth=2")
	if len(want) != domain.MaxSubgraphSize {
		t.Fatalf("the hub's neighbourhood has %d entities, want %d", len(want), domain.MaxSubgraphSize)
	}
	s := newSession(t, srv)
	start := s.requestCount()
	s.run(chromedp.Navigate(srv.URL + "/explore?focus=" + hub + "&depth=2"))
	s.waitFor(`window.explorer && window.explorer.stats.draws > 0 && document.getElementById('status').dataset.state === 'ready'`)
	type drawStats struct {
		Nodes, Edges, FetchMs, AddMs, LayoutMs, PaintMs, FirstDrawMs, ReadyMs int
	}
	stats := eval[drawStats](s, `window.explorer.stats`)
	listed := eval[int](s, `document.querySelectorAll('#entity-list li').length`)
	if stats.Nodes != len(want) || listed != len(want) {
		t.Errorf("drew %d nodes and listed %d; the neighbourhood has %d", stats.Nodes, listed, len(want))
	}
	s.screenshot("explorer-5000.png")
	t.Logf("explorer, first draw of %d nodes and %d edges: %d ms (export fetched in %d ms, elements added in %d ms, layout %d ms, painted in %d ms), list ready at %d ms; %d requests",
		stats.Nodes, stats.Edges, stats.FirstDrawMs, stats.FetchMs, stats.AddMs, stats.LayoutMs, stats.PaintMs, stats.ReadyMs, s.requestCount()-start)

	// Zooming with the mouse wheel, as a user does: each frame is timed from
	// the wheel event to the drawing that shows it.
	s.do(`(() => { window.__frames = []; window.__wheel = 0;
		document.addEventListener('wheel', () => { window.__wheel = performance.now(); }, true);
		window.explorer.cy.on('render', () => { if (window.__wheel) { window.__frames.push(Math.round(performance.now() - window.__wheel)); window.__wheel = 0; } }); })()`)
	box := eval[[]float64](s, `(() => { const r = document.getElementById('cy').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`)
	const steps = 8
	for i := range steps {
		s.do(fmt.Sprintf(`document.querySelector('#cy canvas:last-of-type').dispatchEvent(new WheelEvent('wheel', { deltaY: -120, clientX: %g, clientY: %g, bubbles: true, cancelable: true }))`, box[0], box[1]))
		s.waitFor(fmt.Sprintf(`window.__frames.length > %d`, i))
	}
	frames := eval[[]int](s, `window.__frames`)
	zoomed := eval[float64](s, `window.explorer.cy.zoom()`)
	slices.Sort(frames)
	t.Logf("explorer, zooming a view of %d nodes with the wheel: median frame %d ms, slowest %d ms (%d steps, zoom now %.2f)", stats.Nodes, frames[len(frames)/2], frames[len(frames)-1], len(frames), zoomed)
}
