package dev.berth.deployment;

import dev.berth.execution.Duplex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** One HTTP/1.0 GET over a connection the server made; returns the status code, or -1 when the answer is not HTTP. */
final class HttpCheck {
    private HttpCheck() {}

    static int get(Duplex connection, String host, String path) throws IOException {
        var request = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\nUser-Agent: berth-health\r\nConnection: close\r\n\r\n";
        connection.out().write(request.getBytes(StandardCharsets.US_ASCII));
        connection.out().flush();
        var line = new StringBuilder();
        var in = connection.in();
        for (int i = 0; i < 256; i++) {
            int b = in.read();
            if (b < 0 || b == '\n') break;
            line.append((char) b);
        }
        var parts = line.toString().trim().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) return -1;
        return Integer.parseInt(parts[1]);
    }
}
