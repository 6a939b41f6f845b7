package dev.berth.proxy;

import dev.berth.errors.InvalidInputException;
import dev.berth.secrets.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A certificate a team uploads for a domain, checked before anything is stored: PEM certificates (the domain's first,
 * then its chain) that are valid now, name the host (exactly, or by a one-label wildcard), chain each to the next and
 * end at a self-signed root or one the JDK trusts; and a private key (PKCS#8, or PKCS#1 RSA) that matches the first
 * certificate. Only the host (and {@code www.<host>}) may be named, and only keys of bounded cost (see {@link #acceptable}).
 * The key is stored as read (PKCS#8) and only sealed; no error quotes it.
 */
public record UploadedCertificate(String chainPem, Secret keyPem, String issuer, Instant notBefore, Instant notAfter) {
    static final int MAX_PEM_CHARS = 64 * 1024;
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /** @throws InvalidInputException naming {@code input.certificatePem} or {@code input.privateKeyPem} */
    public static UploadedCertificate parse(HostName host, Object certificatePem, Object privateKeyPem, Instant now) {
        if (!(certificatePem instanceof String chainText) || chainText.isBlank() || chainText.length() > MAX_PEM_CHARS) {
            throw new InvalidInputException("input.certificatePem", "PEM certificates, at most " + MAX_PEM_CHARS + " characters");
        }
        if (!(privateKeyPem instanceof String keyText) || keyText.isBlank() || keyText.length() > MAX_PEM_CHARS) {
            throw new InvalidInputException("input.privateKeyPem", "a PEM private key, at most " + MAX_PEM_CHARS + " characters");
        }
        var chain = certificates(chainText);
        var leaf = chain.getFirst();
        for (var certificate : chain) {
            if (!acceptable(certificate.getPublicKey())) {
                throw new InvalidInputException("input.certificatePem", "a certificate's key is not RSA (2048 to 8192 bits, exponent 65537), EC (P-256, P-384, P-521) or Ed25519");
            }
            if (certificate.getSerialNumber().signum() <= 0) throw new InvalidInputException("input.certificatePem", "a certificate's serial number is not positive");
            if (certificate.getNotAfter().toInstant().isBefore(now)) throw new InvalidInputException("input.certificatePem", "a certificate of the chain has expired");
            if (certificate.getNotBefore().toInstant().isAfter(now)) throw new InvalidInputException("input.certificatePem", "a certificate of the chain is not valid yet");
        }
        if (!names(leaf, host.value())) throw new InvalidInputException("input.certificatePem", "the certificate does not name " + host.value());
        complete(chain);
        var key = privateKey(keyText);
        if (!acceptable(key) || !matches(key, leaf.getPublicKey())) throw new InvalidInputException("input.privateKeyPem", "the private key is not the certificate's");
        var pem = new StringBuilder();
        for (var certificate : chain) pem.append(pem(certificate));
        // stored as Berth read it (PKCS#8, one block): what was checked is exactly what the proxy gets
        var canonical = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return new UploadedCertificate(pem.toString(), new Secret(canonical), issuer(leaf), leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
    }

    private static List<X509Certificate> certificates(String text) {
        var chain = new ArrayList<X509Certificate>();
        var matcher = BLOCK.matcher(text);
        try {
            var factory = CertificateFactory.getInstance("X.509");
            while (matcher.find()) {
                if (!matcher.group(1).equals("CERTIFICATE")) throw new InvalidInputException("input.certificatePem", "only CERTIFICATE blocks (the key goes in privateKeyPem)");
                var der = Base64.getMimeDecoder().decode(matcher.group(2));
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                if (chain.size() > 10) throw new InvalidInputException("input.certificatePem", "at most 10 certificates");
            }
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new InvalidInputException("input.certificatePem", "a certificate could not be read");
        }
        if (chain.isEmpty()) throw new InvalidInputException("input.certificatePem", "no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return chain;
    }

    /**
     * True when the certificate names the host and nothing else but {@code www.<host>}: a certificate covering more names
     * (another domain of the server, a wildcard) would have the proxy serve it for them too, so it is refused.
     */
    static boolean names(X509Certificate certificate, String host) {
        try {
            var names = certificate.getSubjectAlternativeNames();
            if (names == null) return false;
            boolean named = false;
            for (var name : names) {
                if (!Integer.valueOf(2).equals(name.get(0))) return false; // only DNS names
                var dns = name.get(1).toString().toLowerCase(Locale.ROOT);
                if (dns.equals(host)) named = true;
                else if (!dns.equals("www." + host)) return false;
            }
            return named;
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    /**
     * Only keys whose use costs a bounded time, and that Caddy (Go) takes: RSA of 2048 to 8192 bits with a usual public
     * exponent, EC on P-256, P-384 or P-521, Ed25519. Anything else is refused before any signature is checked.
     */
    static boolean acceptable(java.security.Key key) {
        return switch (key) {
            case java.security.interfaces.RSAKey rsa -> rsa.getModulus().bitLength() >= 2048 && rsa.getModulus().bitLength() <= 8192
                    && (!(key instanceof java.security.interfaces.RSAPublicKey pub) || pub.getPublicExponent().equals(java.math.BigInteger.valueOf(65537)));
            case java.security.interfaces.ECKey ec -> java.util.Set.of(256, 384, 521).contains(ec.getParams().getCurve().getField().getFieldSize());
            default -> "Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm());
        };
    }

    /** Each certificate is signed by the next, and the last is a self-signed root or signed by a root the JDK trusts. */
    private static void complete(List<X509Certificate> chain) {
        try {
            for (int i = 0; i + 1 < chain.size(); i++) {
                if (!verifies(chain.get(i), chain.get(i + 1).getPublicKey())) {
                    throw new InvalidInputException("input.certificatePem", "certificate " + (i + 1) + " is not signed by the one after it: put the chain in order");
                }
            }
            var top = chain.getLast();
            if (top.getSubjectX500Principal().equals(top.getIssuerX500Principal()) && verifies(top, top.getPublicKey())) return;
            var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init((KeyStore) null);
            for (var manager : trust.getTrustManagers()) {
                if (!(manager instanceof javax.net.ssl.X509TrustManager x509)) continue;
                for (var root : x509.getAcceptedIssuers()) {
                    if (root.getSubjectX500Principal().equals(top.getIssuerX500Principal()) && verifies(top, root.getPublicKey())) return;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException("input.certificatePem", "the chain could not be checked");
        }
        throw new InvalidInputException("input.certificatePem", "the chain is incomplete: add the intermediate certificates up to a root");
    }

    private static boolean verifies(X509Certificate certificate, PublicKey key) {
        try {
            certificate.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static PrivateKey privateKey(String text) {
        var matcher = BLOCK.matcher(text);
        if (!matcher.find()) throw new InvalidInputException("input.privateKeyPem", "no PEM private key (-----BEGIN PRIVATE KEY-----)");
        if (matcher.find()) throw new InvalidInputException("input.privateKeyPem", "one private key only");
        matcher.reset().find();
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(2));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("input.privateKeyPem", "the private key could not be read");
        }
        try {
            switch (matcher.group(1)) {
                case "PRIVATE KEY" -> {
                    for (var algorithm : List.of("RSA", "EC", "Ed25519")) {
                        try {
                            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                        } catch (java.security.spec.InvalidKeySpecException notThis) {
                            // the next algorithm
                        }
                    }
                }
                case "RSA PRIVATE KEY" -> {
                    var rsa = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(der);
                    return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(rsa.getModulus(), rsa.getPublicExponent(),
                            rsa.getPrivateExponent(), rsa.getPrime1(), rsa.getPrime2(), rsa.getExponent1(), rsa.getExponent2(), rsa.getCoefficient()));
                }
                default -> throw new InvalidInputException("input.privateKeyPem",
                        "a PKCS#8 (BEGIN PRIVATE KEY) or RSA key, unencrypted (convert with: openssl pkcs8 -topk8 -nocrypt)");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidInputException("input.privateKeyPem", "the private key could not be read");
        }
        throw new InvalidInputException("input.privateKeyPem", "the private key could not be read (RSA, EC or Ed25519 in PKCS#8)");
    }

    /** The key is the certificate's: an RSA key has its modulus and exponent; another signs a challenge its public key verifies. */
    private static boolean matches(PrivateKey key, PublicKey certificateKey) {
        if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
            return certificateKey instanceof java.security.interfaces.RSAPublicKey pub && pub.getModulus().equals(rsa.getModulus())
                    && pub.getPublicExponent().equals(rsa.getPublicExponent());
        }
        if (key.getAlgorithm().equals("RSA")) return false; // an RSA key without its public part: not one Berth takes
        var algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519
        };
        try {
            var challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            var signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            var signature = signer.sign();
            var verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The issuer's common name (its whole name when it has none), at most 200 characters. */
    static String issuer(X509Certificate certificate) {
        var name = certificate.getIssuerX500Principal().getName();
        var cn = java.util.Arrays.stream(name.split(",")).filter(part -> part.startsWith("CN=")).map(part -> part.substring(3)).findFirst().orElse(name);
        return cn.length() > 200 ? cn.substring(0, 200) : cn;
    }
}
