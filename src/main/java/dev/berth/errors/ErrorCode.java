package dev.berth.errors;

/**
 * The stable values of {@code extensions.code}. Clients branch on these; never rename one. The first group
 * is raised by features; the second by the transport before anything executes.
 */
public enum ErrorCode {
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    BAD_USER_INPUT,
    CONFLICT,
    POLICY_VIOLATION,
    RATE_LIMITED,
    SERVER_UNREACHABLE,
    INTERNAL,

    BAD_REQUEST,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    OPERATION_NOT_FOUND,
    DOCUMENT_TOO_LARGE,
    QUERY_TOO_DEEP,
    TOO_MANY_ALIASES,
    QUERY_TOO_COSTLY,
    INTROSPECTION_DISABLED,
    METHOD_NOT_ALLOWED
}
