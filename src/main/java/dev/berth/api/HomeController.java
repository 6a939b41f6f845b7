package dev.berth.api;

import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaPrinter;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** A small page at {@code /} (what this is, its version, where to go) and the schema as SDL at {@code /schema.graphql}. */
@Controller
final class HomeController {
    private final GraphQLProperties properties;
    private final String version;
    private final String sdl;

    HomeController(GraphQLProperties properties, GraphQLSchema schema) {
        this.properties = properties;
        this.version = version();
        this.sdl = new SchemaPrinter(SchemaPrinter.Options.defaultOptions().includeDirectives(false)).print(schema);
    }

    @Get(produces = MediaType.TEXT_HTML)
    String home() {
        var graphiql = properties.graphiql() ? "<li><a href=\"/graphiql\">GraphiQL</a>: explore and run the API in the browser</li>" : "";
        var schema = properties.introspection() ? "<li><a href=\"/schema.graphql\">The schema</a> (GraphQL SDL, every type described)</li>" : "";
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Berth</title>
                <style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }</style>
                </head><body>
                <h1>Berth</h1>
                <p>A self-hosted PaaS control plane with a typed GraphQL API. Version %s.</p>
                <ul>
                %s
                <li><code>POST /graphql</code>: the API (GraphQL over HTTP); <code>ws://…/graphql-ws</code>: subscriptions (graphql-transport-ws)</li>
                %s
                <li><a href="/health">Health</a></li>
                </ul>
                <p>Sign up or sign in with the <code>signUp</code> and <code>login</code> mutations, then send
                <code>Authorization: Bearer &lt;token&gt;</code>.</p>
                </body></html>
                """.formatted(version, graphiql, schema);
    }

    @Get(value = "/schema.graphql", produces = MediaType.TEXT_PLAIN)
    HttpResponse<String> schema() {
        return properties.introspection() ? HttpResponse.ok(sdl) : HttpResponse.notFound();
    }

    private static String version() {
        try (InputStream in = HomeController.class.getResourceAsStream("/berth-version.properties")) {
            if (in == null) return "development";
            var props = new Properties();
            props.load(in);
            return props.getProperty("version", "development");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
