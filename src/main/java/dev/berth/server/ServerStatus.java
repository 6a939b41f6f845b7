package dev.berth.server;

/** What the last validation or probe found. */
public enum ServerStatus { UNKNOWN, REACHABLE, UNREACHABLE, DOCKER_MISSING }
