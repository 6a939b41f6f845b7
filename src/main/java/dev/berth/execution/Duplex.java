package dev.berth.execution;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/** A two-way byte stream to the remote Docker socket: a stream-local channel or a dial-stdio command. */
public interface Duplex extends Closeable {
    InputStream in() throws java.io.IOException;

    OutputStream out() throws java.io.IOException;
}
