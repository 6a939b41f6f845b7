package dev.berth.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that needs the real sshd and dockerd. Where they are missing, the class is reported as skipped
 * with the reason (not as "Tests run: 0"); with BERTH_REQUIRE_DOCKER=1 (CI) it fails instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealDaemons.Condition.class)
public @interface RealDaemons {

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            var missing = missing();
            if (missing.isEmpty()) return ConditionEvaluationResult.enabled("sshd and dockerd are here");
            var reason = "needs " + String.join(" and ", missing) + " (apt-get install openssh-server docker.io; run as root)";
            if ("1".equals(System.getenv("BERTH_REQUIRE_DOCKER"))) throw new IllegalStateException("BERTH_REQUIRE_DOCKER=1 but this test " + reason);
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + reason);
            return ConditionEvaluationResult.disabled(reason);
        }

        static List<String> missing() {
            var missing = new ArrayList<String>();
            if (!Files.isExecutable(Path.of("/usr/sbin/sshd"))) missing.add("sshd");
            boolean dockerd = Files.isExecutable(Path.of("/usr/sbin/dockerd")) || Files.isExecutable(Path.of("/usr/bin/dockerd"));
            if (!dockerd || !"root".equals(System.getProperty("user.name"))) missing.add("dockerd (as root)");
            return missing;
        }
    }
}
