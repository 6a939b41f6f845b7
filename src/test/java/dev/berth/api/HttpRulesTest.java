package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpRulesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/graphql-response+json, application/json;q=0.9 | application/graphql-response+json",
            "application/json | application/json",
            "*/* | application/json",
            "application/* | application/json",
            "text/html, application/graphql-response+json | application/graphql-response+json",
            "APPLICATION/JSON; charset=utf-8 | application/json"})
    void theNewMediaTypeWinsWhenAcceptedElseJson(String accept, String expected) {
        assertThat(HttpRules.negotiate(accept)).hasValue(expected);
    }

    @Test
    void noAcceptHeaderMeansJson() {
        assertThat(HttpRules.negotiate(null)).hasValue("application/json");
        assertThat(HttpRules.negotiate(" ")).hasValue("application/json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "application/xml", "application/graphql-response+json;q=0"})
    void otherMediaTypesAreNotAcceptable(String accept) {
        assertThat(HttpRules.negotiate(accept)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\""})
    void jsonBodiesInUtf8AreAccepted(String contentType) {
        assertThat(HttpRules.acceptsBody(contentType)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/json; charset=iso-8859-1", "application/jsonp", "application/graphql"})
    void everythingElseIsRefused(String contentType) {
        assertThat(HttpRules.acceptsBody(contentType)).isFalse();
        assertThat(HttpRules.acceptsBody(null)).isFalse();
    }

    @Test
    void rejectedRequestsAre400OnlyUnderTheNewMediaType() {
        assertThat(HttpRules.rejectedStatus(HttpRules.GRAPHQL_RESPONSE_JSON)).isEqualTo(400);
        assertThat(HttpRules.rejectedStatus(HttpRules.JSON)).isEqualTo(200);
    }
}
