package dev.berth.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.util.Locale;

/**
 * A bounded load loop through a proxy, as HTTP clients send it: {@code workers} kept-alive connections (HTTPS with SNI
 * and the name checked against {@code host}, or plain HTTP with that Host), each paced to {@code perSecond} requests a
 * second, for at most two minutes. A request is failed when it ends in an error or a status other than 200; a request
 * sent on a kept-alive connection that the server closed while idle (before any byte of the answer) is sent again on
 * a new one, as HTTP clients do with an idempotent request (RFC 9112, 9.3.1), and counted apart. Latencies are kept
 * per request (microseconds) for percentiles; each connection is opened and answers once before the run, unmeasured.
 */
public final class HttpsLoad {
    /** One answer: its status and body. */
    public record Answer(int status, String body) {}

    /** The connection was closed before any byte of the answer. */
    public static final class Stale extends IOException {
        Stale() {
            super("closed before the answer");
        }
    }

    /** One kept-alive connection to {@code port} on 127.0.0.1; TLS when {@code trust} is given. */
    public static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final String host;
        private final String path;

        public Connection(String host, int port, SSLContext trust, String path) throws IOException {
            this.host = host;
            this.path = path;
            var plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", port), 3000);
            plain.setSoTimeout(10_000);
            if (trust == null) {
                socket = plain;
            } else {
                var tls = (SSLSocket) trust.getSocketFactory().createSocket(plain, host, port, true);
                var parameters = tls.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(host)));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                socket = tls;
            }
            in = new java.io.BufferedInputStream(socket.getInputStream());
        }

        public Answer get() throws IOException {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            var head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) throw head.size() == 0 ? new Stale() : new IOException("closed after " + head.size() + " bytes");
                head.write(b);
                if (head.size() > 16384) throw new IOException("head too long");
            }
            var text = head.toString(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(text.substring(9, 12));
            int length = text.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:")).map(l -> Integer.parseInt(l.substring(15).trim()))
                    .findFirst().orElseThrow(() -> new IOException("no Content-Length: " + text));
            return new Answer(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private final String host;
    private final int port;
    private final SSLContext trust;
    private final int workers;
    private final int perSecond;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final List<Long> micros = Collections.synchronizedList(new ArrayList<>());
    /** Each request's start (ms into the run) and latency (µs), for where the slow ones fall. */
    private final List<long[]> timeline = Collections.synchronizedList(new ArrayList<>());
    private long startedAt;
    private long stoppedAt;

    /** {@code trust} null: plain HTTP. */
    public HttpsLoad(String host, int port, SSLContext trust, int workers, int perSecond) {
        this.host = host;
        this.port = port;
        this.trust = trust;
        this.workers = workers;
        this.perSecond = perSecond;
    }

    public HttpsLoad start() {
        startedAt = System.nanoTime();
        long until = startedAt + Duration.ofMinutes(2).toNanos();
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofPlatform().name("load-" + i).start(() -> {
                Connection connection = null;
                try { // each connection's handshake and first answer before the measured run: every phase starts warm
                    connection = new Connection(host, port, trust, "/");
                    connection.get();
                } catch (IOException | RuntimeException e) {
                    close(connection);
                    connection = null;
                }
                long next = System.nanoTime();
                while (running.get() && System.nanoTime() < until) {
                    long sent = System.nanoTime();
                    try {
                        Answer answer;
                        if (connection == null) {
                            connection = new Connection(host, port, trust, "/");
                            answer = connection.get();
                        } else {
                            try {
                                answer = connection.get();
                            } catch (Stale stale) {
                                reconnects.incrementAndGet();
                                connection.close();
                                connection = new Connection(host, port, trust, "/");
                                answer = connection.get();
                            }
                        }
                        total.incrementAndGet();
                        micros.add((System.nanoTime() - sent) / 1000);
                        timeline.add(new long[] {(sent - startedAt) / 1_000_000, (System.nanoTime() - sent) / 1000});
                        if (answer.status() != 200) failures.add("HTTP " + answer.status() + ": " + answer.body());
                        else answers.computeIfAbsent(answer.body().strip(), k -> new AtomicInteger()).incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        total.incrementAndGet();
                        failures.add(e.toString());
                        close(connection);
                        connection = null;
                    }
                    next += 1_000_000_000L / perSecond;
                    long wait = next - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                close(connection);
            }));
        }
        return this;
    }

    private static void close(Connection connection) {
        try {
            if (connection != null) connection.close();
        } catch (IOException ignored) {
            // reopened, or done
        }
    }

    public void stop() throws InterruptedException {
        running.set(false);
        for (var thread : threads) thread.join(30_000);
        stoppedAt = System.nanoTime();
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    public Map<String, Integer> answers() {
        var out = new LinkedHashMap<String, Integer>();
        answers.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public int total() {
        return total.get();
    }

    public int reconnects() {
        return reconnects.get();
    }

    /** Requests answered a second over the run. */
    public double rate() {
        return total.get() / ((stoppedAt - startedAt) / 1e9);
    }

    /** The {@code p}-th percentile of the latencies, in milliseconds. */
    public double percentile(double p) {
        var sorted = new ArrayList<>(micros);
        if (sorted.isEmpty()) return Double.NaN;
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100 * sorted.size()) - 1)) / 1000.0;
    }

    /** The {@code n} slowest requests: when each started (ms into the run) and how long it took (ms), slowest first. */
    public List<String> slowest(int n) {
        var all = new ArrayList<>(timeline);
        all.sort((a, b) -> Long.compare(b[1], a[1]));
        return all.stream().limit(n).map(r -> r[0] + " ms: " + String.format("%.1f", r[1] / 1000.0)).toList();
    }

    @Override
    public String toString() {
        return "total " + total + ", answers " + answers() + ", stale connections reopened " + reconnects + ", failures " + failures.size() + " "
                + failures.stream().limit(5).toList();
    }
}
