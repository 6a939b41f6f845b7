package dev.berth.execution;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns one output stream from a server (bytes or text, in pieces of any size) into lines, holding at most
 * {@link #KEEP} characters whatever arrives: a line longer than that is cut inside the splitter and the rest of it is
 * dropped until its newline, so a build printing 400 MB without a newline costs no more memory than a short line.
 * Bytes are decoded as UTF-8 as they stream (a character split across two pieces stays whole; invalid bytes become
 * U+FFFD). A cut line is longer than {@link #MAX_LINE}; whoever shows it masks secrets first and then cuts it to
 * {@link #MAX_LINE} with {@link #cut}, so the slack beyond {@code MAX_LINE} lets a secret that straddles the limit be
 * masked whole. Not thread-safe: one splitter per stream.
 */
public final class LineSplitter {
    /** The longest line shown, in characters. */
    public static final int MAX_LINE = 8 * 1024;
    /** The most a line holds before it is cut: {@code MAX_LINE} and room to mask a secret that straddles it. */
    public static final int KEEP = MAX_LINE + 16 * 1024;

    private final String stream;
    private final Containers.Lines out;
    private final StringBuilder line = new StringBuilder();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteBuffer bytes = ByteBuffer.allocate(8 * 1024);
    private final CharBuffer chars = CharBuffer.allocate(8 * 1024);
    private boolean cut;

    public LineSplitter(String stream, Containers.Lines out) {
        this.stream = stream;
        this.out = out;
    }

    /** What a cut line ends with. */
    public static final String CUT_NOTE = " [line cut at " + MAX_LINE + " characters]";

    /** The shown form of a (masked) line: at most {@link #MAX_LINE} characters, saying so when it was cut. */
    public static String cut(String text) {
        return text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + CUT_NOTE : text;
    }

    /** More bytes of the stream, decoded as UTF-8 across calls. */
    public void bytes(byte[] data, int offset, int length) {
        int at = offset;
        int end = offset + length;
        while (at < end) {
            int n = Math.min(bytes.remaining(), end - at);
            bytes.put(data, at, n);
            at += n;
            bytes.flip();
            decode(false);
            bytes.compact(); // an incomplete character waits for the next piece
        }
    }

    /** More text of the stream (already decoded). */
    public void text(CharSequence text) {
        for (int i = 0; i < text.length(); i++) accept(text.charAt(i));
    }

    /** The stream ended: what is left of its last line (an unfinished character becomes U+FFFD). */
    public void end() {
        bytes.flip();
        decode(true);
        bytes.clear();
        if (!line.isEmpty() || cut) emit();
    }

    private void decode(boolean last) {
        while (true) {
            var result = decoder.decode(bytes, chars, last);
            chars.flip();
            while (chars.hasRemaining()) accept(chars.get());
            chars.clear();
            if (!result.isOverflow()) break;
        }
        if (last) {
            decoder.flush(chars);
            chars.flip();
            while (chars.hasRemaining()) accept(chars.get());
            chars.clear();
            decoder.reset();
        }
    }

    private void accept(char c) {
        if (c == '\n') {
            emit();
        } else if (line.length() < KEEP) {
            line.append(c);
        } else {
            cut = true;
        }
    }

    private void emit() {
        var text = line.toString();
        line.setLength(0);
        if (line.capacity() > 1024) line.trimToSize(); // a long line's buffer is not kept for the short ones after it
        cut = false;
        out.line(stream, text);
    }
}
