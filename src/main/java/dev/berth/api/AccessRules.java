package dev.berth.api;

import java.util.Map;

/**
 * A feature's part of the access policy: {@code Type.field} and {@code Type.*} entries for the fields of its own
 * SDL file. {@link AccessPolicy} merges every feature's rules, refuses a field named twice, and refuses to start
 * while a field of the schema has no rule. A mutation's payload type needs no entry: it inherits its mutation's.
 */
public interface AccessRules {
    Map<String, Access> rules();
}
