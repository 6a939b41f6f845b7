package dev.berth.api;

import java.util.UUID;

/**
 * A resource that belongs to a project (a project itself, an environment; applications, deployments and
 * databases next). Implementing it is all a resource needs for a project-limited token never to see it:
 * {@link ProjectScope} applies the limit to every field's result and to every service load made through it.
 */
public interface ProjectOwned {
    UUID projectId();
}
