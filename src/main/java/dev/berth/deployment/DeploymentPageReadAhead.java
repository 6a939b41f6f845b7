package dev.berth.deployment;

import dev.berth.api.Lookahead;
import dev.berth.api.Viewer;
import dev.berth.application.Application;
import dev.berth.application.ApplicationReadAhead;
import graphql.language.Argument;
import graphql.language.Field;
import graphql.language.IntValue;
import graphql.language.VariableReference;
import graphql.schema.DataFetchingEnvironment;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code application(id) { deployments(first, before) }}: the page read with the application, in its statement, and
 * handed to the page's loader under the key the field will ask for. Planned only when the query asks for the page
 * once, with arguments given as numbers or variables the request supplies, within the field's bounds; anything else
 * is left to the field (which reports its own errors).
 */
@Singleton
final class DeploymentPageReadAhead implements ApplicationReadAhead {
    private static final String ROWS = "SELECT " + DeploymentRows.LIST_COLUMNS
            + " FROM deployments WHERE team_id = a.team_id AND application_id = a.id AND number < ? ORDER BY number DESC LIMIT ?";
    private static final int DEFAULT_FIRST = 20;
    private static final int MAX_FIRST = 100;

    private final DeploymentRows rows;

    DeploymentPageReadAhead(DeploymentRows rows) {
        this.rows = rows;
    }

    @Override
    public @Nullable Part<Deployment> plan(DataFetchingEnvironment env) {
        var fields = Lookahead.fields(env, "deployments");
        if (fields.size() != 1) return null;
        var first = argument(env, fields.get(0), "first", DEFAULT_FIRST);
        var before = argument(env, fields.get(0), "before", Integer.MAX_VALUE);
        if (first == null || before == null || first < 1 || first > MAX_FIRST) return null;
        return new Page(rows, before, first);
    }

    /** An Int argument as the field will see it: absent → {@code absent}; a number or a supplied variable; else null. */
    private static @Nullable Integer argument(DataFetchingEnvironment env, Field field, String name, int absent) {
        Argument given = field.getArguments().stream().filter(a -> a.getName().equals(name)).findFirst().orElse(null);
        if (given == null) return absent;
        return switch (given.getValue()) {
            case IntValue number -> {
                var value = number.getValue();
                yield value.bitLength() < 32 ? value.intValue() : null;
            }
            case VariableReference variable -> env.getVariables().get(variable.getName()) instanceof Integer value ? value : null;
            default -> null;
        };
    }

    /** The page of {@code first} deployments numbered below {@code before}, as the field will ask for it. */
    private record Page(DeploymentRows store, int before, int first) implements Part<Deployment> {
        @Override
        public int columns() {
            return DeploymentRows.COLUMN_COUNT;
        }

        @Override
        public String rows() {
            return ROWS;
        }

        @Override
        public String order() {
            return "d.number DESC";
        }

        @Override
        public void bind(PreparedStatement statement, int at) throws SQLException {
            statement.setInt(at, before);
            statement.setInt(at + 1, first);
        }

        @Override
        public Deployment read(ResultSet row, int at) throws SQLException {
            return store.read(row, at);
        }

        @Override
        public void prime(DataFetchingEnvironment env, Application application, List<Deployment> page) {
            var viewer = Viewer.from(env);
            var shown = page.stream().filter(deployment -> !viewer.excludes(deployment.projectId())).toList();
            env.<DeploymentWiring.PageKey, List<Deployment>>getDataLoader(DeploymentWiring.DEPLOYMENTS_BY_APPLICATION)
                    .prime(new DeploymentWiring.PageKey(application.id(), before, first), shown);
        }
    }
}
