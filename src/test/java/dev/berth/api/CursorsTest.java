package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.errors.InvalidInputException;
import dev.berth.storage.Ids;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CursorsTest {
    @Test
    void aCursorDecodesToItsId() {
        var id = Ids.next();
        assertThat(Cursors.decode("after", Cursors.encode(id))).isEqualTo(id);
    }

    @Test
    void foreignCursorsAreBadInput() {
        for (var bad : new String[] {"", "!!!", Base64.getUrlEncoder().encodeToString("v2:x".getBytes()),
                Base64.getUrlEncoder().encodeToString("v1:not-a-uuid".getBytes())}) {
            assertThatThrownBy(() -> Cursors.decode("after", bad)).isInstanceOf(InvalidInputException.class);
        }
    }
}
