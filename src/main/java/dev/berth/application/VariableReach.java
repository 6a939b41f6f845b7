package dev.berth.application;

import dev.berth.api.Viewer;

/**
 * The one reach rule for variables, whatever field reaches them ({@code environmentVariables}, {@code
 * Application.effectiveEnvironment}, a deployment's or a plan's {@code configurationDiff}): a viewer limited to some
 * projects (a project-limited token) never sees the team's own variables, only those of its projects, their
 * environments and applications.
 */
public final class VariableReach {
    /** What a change of a variable the viewer does not reach shows instead of its values. */
    public static final String HIDDEN = "(team variable)";

    private VariableReach() {}

    public static boolean reaches(Viewer viewer, EnvironmentVariable.Scope scope) {
        return scope != EnvironmentVariable.Scope.TEAM || viewer.projectIds() == null;
    }
}
