package dev.berth.api;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** {@code DateTime}: an RFC 3339 instant in UTC, e.g. {@code 2026-11-21T19:12:58.994Z}. */
final class DateTimeScalar {
    static final GraphQLScalarType INSTANCE = GraphQLScalarType.newScalar()
            .name("DateTime")
            .description("An instant as an RFC 3339 string in UTC.")
            .coercing(new InstantCoercing())
            .build();

    private DateTimeScalar() {}

    private static final class InstantCoercing implements Coercing<Instant, String> {
        @Override
        public String serialize(Object value, GraphQLContext context, Locale locale) {
            if (value instanceof Instant instant) return instant.toString();
            if (value instanceof OffsetDateTime odt) return odt.toInstant().toString();
            throw new CoercingSerializeException("not an instant: " + value.getClass().getSimpleName());
        }

        @Override
        public Instant parseValue(Object input, GraphQLContext context, Locale locale) {
            if (input instanceof String s) return parse(s, CoercingParseValueException::new);
            throw new CoercingParseValueException("DateTime must be a string");
        }

        @Override
        public Instant parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
            if (input instanceof StringValue s) return parse(s.getValue(), CoercingParseLiteralException::new);
            throw new CoercingParseLiteralException("DateTime must be a string");
        }

        private static <E extends RuntimeException> Instant parse(String s, java.util.function.Function<String, E> error) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                throw error.apply("DateTime must be RFC 3339, e.g. 2026-01-31T12:00:00Z");
            }
        }
    }
}
