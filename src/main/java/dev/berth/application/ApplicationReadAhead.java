package dev.berth.application;

import graphql.schema.DataFetchingEnvironment;
import io.micronaut.core.annotation.Nullable;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Rows another feature shows below an application (its deployments), read in the application's own statement when a
 * query asks for both: the feature plans its part from the query, {@code application(id)} reads it with the
 * application, and the feature primes its loader with what came back, so the field below runs no statement of its
 * own. A part is a hint: a query it cannot plan for (the field asked twice, an argument it cannot read) is answered
 * level by level as before.
 */
public interface ApplicationReadAhead {
    /** The part the query being fetched ({@code application(id)}) asks for below it, or null. */
    @Nullable Part<?> plan(DataFetchingEnvironment env);

    /** @param <T> one row of the part */
    interface Part<T> {
        /** The number of columns {@link #rows()} selects. */
        int columns();

        /**
         * A query of the part's rows for the application {@code a} (its columns {@code a.id} and {@code a.team_id}),
         * run as a {@code LATERAL} subquery named {@code d}; its parameters are bound by {@link #bind}.
         */
        String rows();

        /** The order of the rows, over {@code d}'s columns (an {@code ORDER BY} list). */
        String order();

        /** Binds {@link #rows()}'s parameters, the first at {@code at}. */
        void bind(PreparedStatement statement, int at) throws SQLException;

        /** One row, from {@link #rows()}'s columns, the first at {@code at}. */
        T read(ResultSet rows, int at) throws SQLException;

        /** Hands the application's rows (in order) to the loader of the field that shows them. */
        void prime(DataFetchingEnvironment env, Application application, List<T> rows);
    }
}
