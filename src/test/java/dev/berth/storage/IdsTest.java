package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
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

    /** Each of the 74 random bits (12 beside the time, 62 in the low half) takes both values: none is left fixed. */
    @Test
    void everyRandomBitVaries() {
        long seenA = 0, unsetA = 0, seenB = 0, unsetB = 0;
        for (int i = 0; i < 2_000; i++) {
            var id = Ids.next();
            long a = id.getMostSignificantBits() & 0xFFFL;
            long b = id.getLeastSignificantBits() & 0x3FFF_FFFF_FFFF_FFFFL;
            seenA |= a;
            unsetA |= ~a & 0xFFFL;
            seenB |= b;
            unsetB |= ~b & 0x3FFF_FFFF_FFFF_FFFFL;
        }
        assertThat(List.of(seenA, unsetA)).containsOnly(0xFFFL);
        assertThat(List.of(seenB, unsetB)).containsOnly(0x3FFF_FFFF_FFFF_FFFFL);
    }

    /** Threads draw ahead each for themselves: ids made on many at once still never repeat. */
    @Test
    void idsMadeOnManyThreadsDoNotRepeat() throws Exception {
        var seen = java.util.concurrent.ConcurrentHashMap.<java.util.UUID>newKeySet();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 50; t++) {
                threads.submit(() -> {
                    for (int i = 0; i < 200; i++) seen.add(Ids.next());
                });
            }
        }
        assertThat(seen).hasSize(50 * 200);
    }
}
