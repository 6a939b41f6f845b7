package dev.berth.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * {@code /graphql} behind Micronaut's router, for the requests the thin route ({@link GraphQLRoute}) leaves to it:
 * cross-origin requests when CORS is on, compressed bodies, {@code Expect: 100-continue}, and requests pipelined
 * behind one Micronaut still answers. Both answer through {@link GraphQLExchange}.
 */
@Controller("/graphql")
@ExecuteOn(TaskExecutors.BLOCKING)
final class GraphQLController {
    private final GraphQLExchange exchange;

    GraphQLController(GraphQLExchange exchange) {
        this.exchange = exchange;
    }

    @Post(consumes = MediaType.ALL, produces = MediaType.ALL)
    HttpResponse<byte[]> post(HttpRequest<?> http, @Body @Nullable byte[] body) {
        return respond(exchange.post(ask(http), body).answer());
    }

    @Get(produces = MediaType.ALL)
    HttpResponse<byte[]> get(HttpRequest<?> http) {
        var params = http.getParameters();
        return respond(exchange.get(ask(http), params::get).answer());
    }

    private static GraphQLExchange.Ask ask(HttpRequest<?> http) {
        var headers = http.getHeaders();
        return new GraphQLExchange.Ask(headers.get(HttpHeaders.ACCEPT), headers.get(HttpHeaders.CONTENT_TYPE),
                headers.get(HttpHeaders.AUTHORIZATION), headers.get("X-Berth-Team"), client(http));
    }

    /** The caller's address (the socket peer: put a trusted proxy's header handling here when one is added) and agent. */
    static Viewer.Client client(HttpRequest<?> http) {
        var address = http.getRemoteAddress().getAddress();
        return new Viewer.Client(address == null ? null : address.getHostAddress(), http.getHeaders().get(HttpHeaders.USER_AGENT));
    }

    private static HttpResponse<byte[]> respond(GraphQLExchange.Answer answer) {
        var response = HttpResponse.<byte[]>status(HttpStatus.valueOf(answer.status()))
                .contentType(answer.contentType())
                .header("X-Request-Id", answer.requestId())
                .body(answer.body());
        answer.headers().forEach(response::header);
        return response;
    }
}
