package dev.berth.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * The GraphiQL IDE at {@code /graphiql}, talking to {@code /graphql} and {@code /graphql-ws}; off with
 * {@code BERTH_GRAPHQL_GRAPHIQL=false}. Every asset comes from the jar ({@code /webjars/...}, pinned versions in
 * pom.xml), so it works air-gapped. The Headers tab's {@code Authorization} and {@code X-Berth-Team} also travel
 * in the graphql-ws {@code connection_init} payload, so subscriptions are signed in like queries.
 */
@Controller("/graphiql")
final class GraphiqlController {
    static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Berth GraphiQL</title>
              <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
              <link rel="stylesheet" href="/webjars/graphiql/2.4.7/graphiql.min.css">
            </head>
            <body>
              <div id="graphiql">Loading GraphiQL...</div>
              <script src="/webjars/react/18.3.1/umd/react.production.min.js"></script>
              <script src="/webjars/react-dom/18.3.1/umd/react-dom.production.min.js"></script>
              <script src="/webjars/graphql-ws/5.16.0/umd/graphql-ws.min.js"></script>
              <script src="/webjars/graphiql/2.4.7/graphiql.min.js"></script>
              <script>
                const base = location.origin;
                const wsUrl = base.replace(/^http/, 'ws') + '/graphql-ws';
                const http = GraphiQL.createFetcher({ url: base + '/graphql' });
                const header = (headers, name) => {
                  const key = Object.keys(headers || {}).find((k) => k.toLowerCase() === name.toLowerCase());
                  return key ? String(headers[key]) : undefined;
                };
                let ws = null;
                let wsKey = null;
                // one graphql-ws client per set of credentials: changing the Headers tab reconnects with the new ones
                function wsFor(authorization, team) {
                  const key = JSON.stringify([authorization, team]);
                  if (ws && wsKey === key) return ws;
                  if (ws) ws.dispose();
                  ws = graphqlWs.createClient({ url: wsUrl, retryAttempts: 5,
                    connectionParams: () => (team ? { authorization, team } : { authorization }) });
                  wsKey = key;
                  return ws;
                }
                const signInFirst = 'Sign in first: put {"Authorization": "Bearer <token>"} in the Headers tab below'
                  + ' (a token from login, signUp or createApiToken; add "X-Berth-Team" to pick a team).';
                function fetcher(params, opts) {
                  const isSubscription = /(^|})\\s*subscription\\b/.test(params.query || '');
                  if (!isSubscription) return http(params, opts);
                  const headers = (opts && opts.headers) || {};
                  const authorization = header(headers, 'Authorization');
                  if (!authorization) return Promise.resolve({ errors: [{ message: signInFirst, extensions: { code: 'UNAUTHENTICATED' } }] });
                  const client = wsFor(authorization, header(headers, 'X-Berth-Team'));
                  return {
                    subscribe(observer) {
                      const sink = typeof observer === 'function' ? { next: observer } : observer;
                      const dispose = client.subscribe(params, {
                        next: (value) => sink.next && sink.next(value),
                        error: (error) => sink.next && sink.next({ errors: [{ message: error && error.reason
                          ? 'The connection closed: ' + error.code + ' ' + error.reason : String(error && error.message || error) }] }),
                        complete: () => sink.complete && sink.complete(),
                      });
                      return { unsubscribe: dispose };
                    },
                  };
                }
                const defaultQuery = '# Welcome to Berth. Put your token in the Headers tab below:\\n'
                  + '#   {"Authorization": "Bearer <accessToken or berth_pat_...>"}\\n'
                  + '# (add "X-Berth-Team": "<team id>" to act in another team). Subscriptions use the same headers.\\n\\n'
                  + '{\\n  me {\\n    user { email }\\n    team { id name }\\n    role\\n  }\\n}\\n';
                ReactDOM.createRoot(document.getElementById('graphiql')).render(
                  React.createElement(GraphiQL, { fetcher, defaultQuery, isHeadersEditorEnabled: true, shouldPersistHeaders: true }));
              </script>
            </body>
            </html>
            """;

    private final GraphQLProperties properties;

    GraphiqlController(GraphQLProperties properties) {
        this.properties = properties;
    }

    @Get(produces = MediaType.TEXT_HTML)
    HttpResponse<String> page() {
        return properties.graphiql() ? HttpResponse.ok(PAGE) : HttpResponse.notFound();
    }
}
