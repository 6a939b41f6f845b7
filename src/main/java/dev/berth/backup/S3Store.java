package dev.berth.backup;

import dev.berth.secrets.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One destination's bucket through the AWS SDK v2: its credentials go to its endpoint only. Uploads are multipart and
 * streamed: at most one part ({@link #PART_BYTES}) is held in memory, whatever the size of the dump.
 */
final class S3Store implements BackupStore {
    /** S3's smallest part but the last is 5 MiB; 8 MiB keeps a 1 GB dump under 130 parts. */
    static final int PART_BYTES = 8 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;

    S3Store(BackupDestination destination, Secret secretKey) {
        this.bucket = destination.bucket();
        this.s3 = S3Client.builder()
                .endpointOverride(URI.create(destination.endpoint()))
                .region(Region.of(destination.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(destination.accessKey(), secretKey.value())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(destination.pathStyle()).build())
                // S3-compatible stores (MinIO, s3proxy, Garage) do not all take the SDK's newer default checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)).build())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMinutes(5)))
                .build();
    }

    @Override
    public Upload upload(String key) {
        var id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        return new MultipartUpload(key, id);
    }

    @Override
    public Head head(String key) {
        var head = s3.headObject(b -> b.bucket(bucket).key(key));
        return new Head(head.contentLength(), head.eTag());
    }

    /** The object, only as it was at {@link #head} (a replaced object fails the download). */
    @Override
    public InputStream download(String key, String etag) {
        return s3.getObject(b -> b.bucket(bucket).key(key).ifMatch(etag));
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    @Override
    public byte[] get(String key, int max) throws IOException {
        try (var in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            return in.readNBytes(max);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    /** A multipart upload being written. */
    final class MultipartUpload extends Upload {
        private final String key;
        private final String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();
        private final byte[] buffer = new byte[PART_BYTES];
        private int filled;
        private boolean done;

        MultipartUpload(String key, String uploadId) {
            this.key = key;
            this.uploadId = uploadId;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
                if (filled == buffer.length) flushPart();
            }
        }

        private void flushPart() throws IOException {
            try {
                int number = parts.size() + 1;
                int length = filled;
                // read from the buffer itself: no copy of the part (it is not written again until this returns)
                var etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number).contentLength((long) length),
                        RequestBody.fromContentProvider(() -> new java.io.ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                filled = 0;
            } catch (RuntimeException e) {
                throw new IOException("the upload of part " + (parts.size() + 1) + " failed: " + e.getMessage(), e);
            }
        }

        /** Completes the upload with what was written. */
        @Override
        public void close() throws IOException {
            if (done) return;
            if (filled > 0 || parts.isEmpty()) flushPart();
            try {
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
                done = true;
            } catch (RuntimeException e) {
                throw new IOException("completing the upload failed: " + e.getMessage(), e);
            }
        }

        /** Drops what was uploaded. */
        @Override
        void abort() {
            if (done) return;
            done = true;
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException ignored) {
                // the bucket's lifecycle rule (or a later retention pass) removes a leftover upload
            }
        }
    }
}
