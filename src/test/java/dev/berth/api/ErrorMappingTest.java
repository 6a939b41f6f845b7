package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.errors.ConflictException;
import dev.berth.errors.InvalidInputException;
import graphql.execution.ResultPath;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorMappingTest {

    @Test
    void anUnexpectedExceptionBecomesInternalWithoutItsMessage() {
        var thrown = new IllegalStateException("ERROR: relation \"secrets\" ... password=hunter2");
        var error = ErrorMapping.toError(thrown, "req-1", ResultPath.rootPath(), List.of());
        assertThat(error.getMessage()).doesNotContain("secrets").doesNotContain("hunter2").contains("req-1");
        assertThat(error.getExtensions()).containsEntry("code", "INTERNAL").containsEntry("requestId", "req-1");
    }

    @Test
    void aBerthExceptionKeepsItsMessageAndCodeEvenWhenWrapped() {
        var error = ErrorMapping.toError(new CompletionException(new ConflictException("name taken")), "req-2",
                ResultPath.rootPath(), List.of());
        assertThat(error.getMessage()).isEqualTo("name taken");
        assertThat(error.getExtensions()).containsEntry("code", "CONFLICT");
    }

    @Test
    void badUserInputNamesTheField() {
        var error = ErrorMapping.toError(new InvalidInputException("input.name", "too long"), "req-3", ResultPath.rootPath(), List.of());
        assertThat(error.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("field", "input.name");
    }
}
