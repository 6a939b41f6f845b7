package dev.berth.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * What graphql-ws relies on: a reader's requests (made on a socket's event loop, one at a time) never reach the
 * backlog's source, which was asked for everything when subscribed; a source that would block (a page read from
 * PostgreSQL on request) is therefore never run by a reader's request.
 */
class BacklogTest {
    @Test
    void theSourceIsAskedForEverythingOnceWhateverTheReaderRequests() {
        var requests = new CopyOnWriteArrayList<Long>();
        var source = Flux.range(0, 100).doOnRequest(requests::add);
        var got = new CopyOnWriteArrayList<Integer>();
        Backlog.bounded(source, 1_000, Long.MAX_VALUE, i -> 1, IllegalStateException::new).subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(1);
            }

            @Override
            protected void hookOnNext(Integer value) {
                got.add(value);
                request(1);
            }
        });
        assertThat(got).hasSize(100);
        assertThat(requests).containsExactly(Long.MAX_VALUE);
    }
}
