// The GraphiQL playground: the README's example queries as ready tabs, the
// headers editor open for an API key, and every request to this server's
// own /graphql. Loaded after React, ReactDOM and GraphiQL (all served from
// /assets/vendor/, nothing from another origin).
"use strict";

(async function start() {
  const root = document.getElementById("graphiql");
  try {
    const res = await fetch("/assets/examples.json");
    if (!res.ok) throw new Error(`the example queries did not load (HTTP ${res.status})`);
    const examples = await res.json();
    // Subscriptions go over a WebSocket to the same origin; the headers
    // editor's Authorization travels in its connection_init.
    const ws = new URL("/graphql", location.href);
    ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
    const fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", location.href).href, subscriptionUrl: ws.href });
    ReactDOM.createRoot(root).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultTabs: examples.map((e) => ({ query: e.query, variables: e.variables ?? "", headers: "" })),
        isHeadersEditorEnabled: true,
        defaultEditorToolsVisibility: "headers",
        // An API key pasted into the headers stays in this tab unless the
        // user turns on "persist headers" in the settings.
        shouldPersistHeaders: false,
      }),
    );
    root.dataset.state = "ready";
  } catch (err) {
    root.dataset.state = "failed";
    root.innerHTML = "";
    const p = document.createElement("p");
    p.className = "failed";
    p.textContent = `The playground could not start: ${err.message}`;
    root.append(p);
  }
})();
