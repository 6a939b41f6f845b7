package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void idsAreVersion7AndOrderedByTimeOfCreation() throws InterruptedException {
        var first = Ids.next();
        Thread.sleep(2);
        var second = Ids.next();
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2);
        assertThat(first.toString()).isLessThan(second.toString());
        assertThat(first.getMostSignificantBits() >>> 16).isLessThanOrEqualTo(System.currentTimeMillis());
    }

    @Test
    void idsDoNotRepeat() {
        var seen = new HashSet<java.util.UUID>();
        for (int i = 0; i < 10_000; i++) assertThat(seen.add(Ids.next())).isTrue();
    }
}
