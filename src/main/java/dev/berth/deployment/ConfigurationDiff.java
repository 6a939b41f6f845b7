package dev.berth.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.deployment.Deployment.ConfigurationChange;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Pure: what changed between two deployments' configurations, path by path. Secret values never appear. */
public final class ConfigurationDiff {
    private ConfigurationDiff() {}

    public static List<ConfigurationChange> between(ObjectMapper json, @Nullable Snapshot before, @Nullable Snapshot.Environment beforeEnv,
                                                    Snapshot after, Snapshot.Environment afterEnv) {
        var changes = new ArrayList<ConfigurationChange>();
        JsonNode a = before == null ? json.createObjectNode() : json.valueToTree(comparable(before));
        JsonNode b = json.valueToTree(comparable(after));
        walk("", a, b, changes);
        var keys = new TreeSet<String>(afterEnv.values().keySet());
        if (beforeEnv != null) keys.addAll(beforeEnv.values().keySet());
        for (var key : keys) {
            var old = beforeEnv == null ? null : beforeEnv.values().get(key);
            var now = afterEnv.values().get(key);
            if (java.util.Objects.equals(old, now)) continue;
            boolean secret = afterEnv.secret().contains(key) || (beforeEnv != null && beforeEnv.secret().contains(key));
            boolean team = afterEnv.team().contains(key) || (beforeEnv != null && beforeEnv.team().contains(key));
            changes.add(new ConfigurationChange("env." + key, old == null ? null : secret ? "(secret)" : old,
                    now == null ? null : secret ? "(secret)" : now, team));
        }
        return changes;
    }

    /** The snapshot without the image (a result, not a setting) and the key lists (compared by value below). */
    private static Object comparable(Snapshot s) {
        var map = new java.util.LinkedHashMap<String, Object>();
        map.put("name", s.name());
        map.put("source", s.source());
        map.put("settings", s.settings());
        return map;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<ConfigurationChange> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            var names = new TreeSet<String>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (var name : names) walk(path.isEmpty() ? name : path + "." + name, a.get(name), b.get(name), out);
            return;
        }
        var left = a == null || a.isNull() ? null : a.isTextual() ? a.asText() : a.toString();
        var right = b == null || b.isNull() ? null : b.isTextual() ? b.asText() : b.toString();
        if (!java.util.Objects.equals(left, right)) out.add(new ConfigurationChange(path, left, right));
    }
}
