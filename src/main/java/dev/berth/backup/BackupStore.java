package dev.berth.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where backup objects are kept, by key: an S3 bucket ({@link S3Store}) or a directory on a server
 * ({@link ServerDirectoryStore}). Writes stream: a store holds at most a bounded buffer of an upload in memory.
 */
sealed interface BackupStore extends AutoCloseable permits S3Store, ServerDirectoryStore {
    /** A stream that stores what is written under {@code key}; {@link Upload#close()} completes it, {@link Upload#abort()} drops it. */
    Upload upload(String key) throws IOException;

    /** The object's size and a tag of its version (what a download pins where the store can). */
    Head head(String key);

    /** The object's content, as it was at {@link #head} where the store can pin it (its SHA-256 is checked by the reader anyway). */
    InputStream download(String key, String etag) throws IOException;

    default long size(String key) {
        return head(key).size();
    }

    void delete(String key);

    /** Stores a small object whole (testBackupDestination's probe). */
    void put(String key, byte[] bytes) throws IOException;

    /** Reads a small object whole, at most {@code max} bytes. */
    byte[] get(String key, int max) throws IOException;

    @Override
    void close();

    /** An object's size and version tag. */
    record Head(long size, String etag) {}

    /** An object being written. Closing it completes the object; aborting drops what was written. */
    abstract class Upload extends OutputStream {
        /** Drops what was written (never throws: a leftover is cleaned by the store's own means). */
        abstract void abort();
    }
}
