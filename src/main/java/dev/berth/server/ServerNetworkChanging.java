package dev.berth.server;

/**
 * Published (synchronously, in the updating transaction) before a server's network mode changes: the applications
 * that follow the server refuse (CONFLICT naming them) when two of them would then hold one port of the server.
 * {@code before} is the row as stored, {@code after} as it is about to be saved.
 */
public record ServerNetworkChanging(Server before, Server after) {}
