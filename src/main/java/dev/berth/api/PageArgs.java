package dev.berth.api;

import dev.berth.errors.InvalidInputException;
import graphql.schema.DataFetchingEnvironment;
import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/** Validated {@code first}/{@code after} of a connection field. */
public record PageArgs(int first, @Nullable UUID after) {
    public static final int MAX_PAGE = 100;

    public PageArgs {
        if (first < 1 || first > MAX_PAGE) throw new InvalidInputException("first", "must be between 1 and " + MAX_PAGE);
    }

    public static PageArgs from(DataFetchingEnvironment env) {
        Integer first = env.getArgument("first");
        String after = env.getArgument("after");
        return new PageArgs(first == null ? 20 : first, after == null ? null : Cursors.decode("after", after));
    }

    /** Rows to fetch: one more than the page, to learn whether another page follows. */
    public int limit() {
        return first + 1;
    }
}
