package dev.berth.execution;

import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.connection.Connection;
import net.schmizz.sshj.connection.channel.direct.AbstractDirectChannel;

/** An SSH channel to a Unix socket on the server ({@code direct-streamlocal@openssh.com}, as {@code ssh -L path}). */
final class StreamLocalChannel extends AbstractDirectChannel {
    private final String socketPath;

    StreamLocalChannel(Connection connection, String socketPath) {
        super(connection, "direct-streamlocal@openssh.com");
        this.socketPath = socketPath;
    }

    @Override
    protected SSHPacket buildOpenReq() {
        // socket path, then the reserved string and uint32 of the OpenSSH protocol extension
        return super.buildOpenReq().putString(socketPath).putString("").putUInt32(0);
    }
}
