package dev.berth.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** The GraphiQL IDE at {@code /graphiql}, talking to {@code /graphql} and {@code /graphql-ws}; off with {@code BERTH_GRAPHQL_GRAPHIQL=false}. */
@Controller("/graphiql")
final class GraphiqlController {
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Berth GraphiQL</title>
              <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
              <link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css">
            </head>
            <body>
              <div id="graphiql">Loading GraphiQL...</div>
              <script crossorigin src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
              <script crossorigin src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
              <script crossorigin src="https://unpkg.com/graphql-ws@5.16.0/umd/graphql-ws.min.js"></script>
              <script crossorigin src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"></script>
              <script>
                const base = location.origin;
                const wsBase = base.replace(/^http/, 'ws');
                const fetcher = GraphiQL.createFetcher({ url: base + '/graphql', subscriptionUrl: wsBase + '/graphql-ws',
                  wsClient: graphqlWs.createClient({ url: wsBase + '/graphql-ws' }) });
                ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, { fetcher }));
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
