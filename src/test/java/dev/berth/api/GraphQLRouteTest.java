package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The thin /graphql route at the byte level, over a raw socket: it is the one answering, and the connection behaves
 * as HTTP/1.1 says whatever the client does (pipelining behind Micronaut's answers and in front of them, closing,
 * HTTP/1.0, chunked and oversized bodies, slow bodies, a client gone before its answer).
 */
@MicronautTest
class GraphQLRouteTest extends BerthTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    GraphQLRouteInFlight route;

    record Response(int status, Map<String, String> headers, byte[] body) {
        JsonNode json() throws IOException {
            var bytes = "gzip".equals(headers.get("content-encoding")) ? new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes() : body;
            return JSON.readTree(bytes);
        }
    }

    private Socket connect() throws IOException {
        var socket = new Socket(server.getHost(), server.getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private String post(String query, String... extraHeaders) {
        var body = "{\"query\":" + quote(query) + "}";
        var head = new StringBuilder("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + user().http().bearer() + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n");
        for (var header : extraHeaders) head.append(header).append("\r\n");
        return head + "\r\n" + body;
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @Test
    void theRouteAnswersGraphQLWithTheUsualHeaders() throws Exception {
        long before = route.answered();
        try (var socket = connect()) {
            send(socket, post("{ __typename }"));
            var response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("data").path("__typename").asText()).isEqualTo("Query");
            assertThat(response.headers()).containsKeys("x-request-id", "date", "content-type");
            assertThat(response.headers().get("content-type")).startsWith("application/json");
        }
        assertThat(route.answered()).isGreaterThan(before);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhoeverAnswersThem() throws Exception {
        try (var socket = connect()) {
            // one write: GraphQL, then Micronaut's /health, GraphQL again, /health, GraphQL
            send(socket, post("{ a: __typename }") + HEALTH + post("{ b: __typename }") + HEALTH + post("{ c: __typename }"));
            var in = socket.getInputStream();
            assertThat(read(in).json().path("data").has("a")).isTrue();
            assertThat(read(in).json().path("status").asText()).isEqualTo("UP");
            assertThat(read(in).json().path("data").has("b")).isTrue();
            assertThat(read(in).json().path("status").asText()).isEqualTo("UP");
            assertThat(read(in).json().path("data").has("c")).isTrue();
            // and the connection is still good for one more
            send(socket, post("{ d: __typename }"));
            assertThat(read(in).json().path("data").has("d")).isTrue();
        }
    }

    @Test
    void connectionCloseAndHttp10CloseAfterTheAnswer() throws Exception {
        try (var socket = connect()) {
            send(socket, post("{ __typename }", "Connection: close"));
            var in = socket.getInputStream();
            assertThat(read(in).status()).isEqualTo(200);
            assertThat(in.read()).isEqualTo(-1);
        }
        try (var socket = connect()) {
            send(socket, post("{ __typename }").replaceFirst("HTTP/1.1", "HTTP/1.0"));
            var in = socket.getInputStream();
            var response = read(in);
            assertThat(response.status()).isEqualTo(200);
            assertThat(in.read()).isEqualTo(-1);
        }
        try (var socket = connect()) {
            send(socket, post("{ __typename }", "Connection: keep-alive").replaceFirst("HTTP/1.1", "HTTP/1.0"));
            var in = socket.getInputStream();
            assertThat(read(in).headers().get("connection")).isEqualToIgnoringCase("keep-alive");
            send(socket, post("{ __typename }", "Connection: keep-alive").replaceFirst("HTTP/1.1", "HTTP/1.0"));
            assertThat(read(in).status()).isEqualTo(200);
        }
    }

    @Test
    void aChunkedBodySentSlowlyIsGatheredWhole() throws Exception {
        var body = "{\"query\":\"{ slow: __typename }\"}".getBytes(StandardCharsets.UTF_8);
        try (var socket = connect()) {
            var out = socket.getOutputStream();
            out.write(("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                    + user().http().bearer() + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < body.length; i += 7) {
                int n = Math.min(7, body.length - i);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, i, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(20);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(read(socket.getInputStream()).json().path("data").path("slow").asText()).isEqualTo("Query");
        }
    }

    @Test
    void aBodyOverTheLimitIs413AndTheConnectionCloses() throws Exception {
        // announced by Content-Length: refused before a byte of the body is read
        try (var socket = connect()) {
            send(socket, "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{");
            var in = socket.getInputStream();
            var response = read(in);
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.json().path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("DOCUMENT_TOO_LARGE");
            assertThat(in.read()).isEqualTo(-1);
        }
        // chunked: refused when the gathered body passes the limit
        try (var socket = connect()) {
            var out = socket.getOutputStream();
            out.write("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            var chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try {
                for (int i = 0; i < 40; i++) { // 2.5 MB against a 1 MB limit
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException closedWhileSending) {
                // the server answered and closed while the client was still sending: what is wanted
            }
            var response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(413);
        }
    }

    @Test
    void aLargeAnswerIsCompressedForClientsThatAskForGzip() throws Exception {
        var query = "{ __schema { types { name description fields { name description } } } }";
        try (var socket = connect()) {
            send(socket, post(query, "Accept-Encoding: br;q=1, gzip;q=0.5"));
            var in = socket.getInputStream();
            var zipped = read(in);
            assertThat(zipped.headers().get("content-encoding")).isEqualTo("gzip");
            assertThat(zipped.json().path("data").path("__schema").path("types").size()).isGreaterThan(10);
            send(socket, post(query, "Accept-Encoding: gzip;q=0"));
            var plain = read(in);
            assertThat(plain.headers()).doesNotContainKey("content-encoding");
            assertThat(plain.body().length).isGreaterThan(zipped.body().length);
        }
    }

    @Test
    void aClientGoneBeforeItsAnswerLeavesNothingInFlight() throws Exception {
        // answers begun so far: a start adds one in flight, a finish moves it to answered (read apart, a lower bound)
        java.util.function.LongSupplier begun = () -> route.answered() + route.reportActiveTasks().orElse(0);
        long before = begun.getAsLong();
        for (int i = 0; i < 20; i++) {
            try (var socket = connect()) {
                send(socket, post("{ projects(first: 50) { edges { node { id environments { id } } } } }"));
                // closed as soon as the route has taken it, the answer still being made (closed before it was read, the
                // request would never start, and nothing in flight would prove nothing)
                long taken = System.nanoTime() + 10_000_000_000L;
                // the two counters are read apart: an answer ending between the reads is missed by both, so the most
                // seen counts (a second read could come out one lower for a moment, which failed a CI run)
                long seen = begun.getAsLong();
                while (seen < before + i + 1 && System.nanoTime() < taken) {
                    Thread.onSpinWait();
                    seen = Math.max(seen, begun.getAsLong());
                }
                assertThat(seen).as("request %d taken", i).isGreaterThanOrEqualTo(before + i + 1);
            }
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (route.reportActiveTasks().orElse(0) > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(route.reportActiveTasks()).hasValue(0);
        // and the server still answers
        try (var socket = connect()) {
            send(socket, post("{ __typename }"));
            assertThat(read(socket.getInputStream()).status()).isEqualTo(200);
        }
    }

    @Test
    void requestsTheRouteLeavesAloneStillReachTheController() throws Exception {
        long before = route.answered();
        // a compressed body is left to Micronaut, and answered by the controller alike
        try (var socket = connect()) {
            var out = new ByteArrayOutputStream();
            try (var zip = new java.util.zip.GZIPOutputStream(out)) {
                zip.write("{\"query\":\"{ zipped: __typename }\"}".getBytes(StandardCharsets.UTF_8));
            }
            var body = out.toByteArray();
            var stream = socket.getOutputStream();
            stream.write(("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                    + "Authorization: Bearer " + user().http().bearer() + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            stream.write(body);
            stream.flush();
            var response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("data").path("zipped").asText()).isEqualTo("Query");
        }
        assertThat(route.answered()).isEqualTo(before);
    }

    @Test
    void aClientThatPipelinesAndNeverReadsHoldsBackItsOwnAnswersOnly() throws Exception {
        var query = "{ __schema { types { name description fields { name description } } } }"; // a large answer
        int sent = 150;
        long before = route.answered();
        try (var socket = connect()) {
            socket.setReceiveBufferSize(64 * 1024);
            var batch = new StringBuilder();
            for (int i = 0; i < sent; i++) batch.append(post(query));
            var writer = Thread.ofVirtual().start(() -> {
                try {
                    send(socket, batch.toString());
                } catch (IOException ignored) {
                    // closed by the test
                }
            });
            Thread.sleep(3_000); // the client reads nothing meanwhile
            long made = route.answered() - before;
            assertThat(made).as("answers made for a client that reads none").isLessThan(sent);
            // other clients are served meanwhile
            try (var other = connect()) {
                send(other, post("{ __typename }"));
                assertThat(read(other.getInputStream()).status()).isEqualTo(200);
            }
            // and once it reads, it gets every answer, in order
            var in = socket.getInputStream();
            for (int i = 0; i < sent; i++) assertThat(read(in).status()).isEqualTo(200);
            writer.join();
        }
    }

    @Test
    void aBodyInOneByteChunksIsGatheredWhole() throws Exception {
        var body = ("{\"query\":\"{ tiny: __typename }\",\"variables\":{\"pad\":\"" + "x".repeat(20_000) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        var out = new ByteArrayOutputStream();
        out.write(("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                + user().http().bearer() + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte b : body) {
            out.write("1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try (var socket = connect()) {
            socket.getOutputStream().write(out.toByteArray());
            socket.getOutputStream().flush();
            assertThat(read(socket.getInputStream()).json().path("data").path("tiny").asText()).isEqualTo("Query");
        }
    }

    @Test
    void nothingPipelinedBehindARefusedBodyRuns() throws Exception {
        var name = uniqueName("after-413");
        var create = post("mutation { createProject(input: {name: \"" + name + "\"}) { project { id } } }");
        var chunk = " ".repeat(64 * 1024);
        var request = new StringBuilder("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 20; i++) request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        request.append("0\r\n\r\n").append(create);
        try (var socket = connect()) {
            send(socket, request.toString());
            var in = socket.getInputStream();
            assertThat(read(in).status()).isEqualTo(413);
            assertThat(in.read()).isEqualTo(-1); // closed: the mutation behind it got no answer
        }
        var projects = http().data("{ projects(first: 100) { edges { node { name } } } }", java.util.Map.of());
        assertThat(projects.toString()).doesNotContain(name);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** One response: status line, headers (lower-cased), a Content-Length or chunked body. */
    static Response read(InputStream in) throws IOException {
        var status = line(in);
        assertThat(status).startsWith("HTTP/1.");
        var headers = new LinkedHashMap<String, String>();
        for (var line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            var out = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0; size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                out.write(in.readNBytes(size));
                line(in);
            }
            line(in);
            body = out.toByteArray();
        } else {
            body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, body);
    }

    private static String line(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) throw new IOException("connection closed mid-line: " + out);
            if (b != '\r') out.write(b);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
