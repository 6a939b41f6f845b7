package dev.berth.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines out of a stream of any shape, never holding more than {@link LineSplitter#KEEP} characters of one line. */
class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();
    private final LineSplitter splitter = new LineSplitter("stdout", (stream, text) -> lines.add(text));

    @Test
    void aCharacterSplitAcrossPiecesStaysWholeAndBadBytesBecomeReplacements() {
        var bytes = "a€b\nc".getBytes(StandardCharsets.UTF_8); // € is three bytes
        for (int i = 0; i < bytes.length; i++) splitter.bytes(bytes, i, 1);
        splitter.bytes(new byte[] {(byte) 0xff, '\n', (byte) 0xe2, (byte) 0x82}, 0, 4); // an invalid byte, then an unfinished €
        splitter.end();
        assertThat(lines).containsExactly("a€b", "c\uFFFD", "\uFFFD");
    }

    @Test
    void aLineWithoutANewlineIsCutInsideTheSplitterAndTheRestDropped() {
        var chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        for (int i = 0; i < 1600; i++) splitter.bytes(chunk, 0, chunk.length); // 100 MiB, no newline
        splitter.bytes("\nnext\n".getBytes(StandardCharsets.UTF_8), 0, 6);
        splitter.text("y".repeat(LineSplitter.KEEP * 3) + "\nafter");
        splitter.end();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).hasSize(LineSplitter.KEEP).matches("x+");
        assertThat(lines.get(1)).isEqualTo("next");
        assertThat(lines.get(2)).hasSize(LineSplitter.KEEP);
        assertThat(lines.get(3)).isEqualTo("after");
        assertThat(LineSplitter.cut(lines.get(0))).hasSize(LineSplitter.MAX_LINE + " [line cut at 8192 characters]".length())
                .endsWith(" [line cut at 8192 characters]");
        assertThat(LineSplitter.cut("short")).isEqualTo("short");
    }

    @Test
    void textAndBytesSplitTheSameWay() {
        splitter.text("one\ntw");
        splitter.text("o\n\nthree");
        splitter.end();
        assertThat(lines).containsExactly("one", "two", "", "three");
    }
}
