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
 * certificate (it signs a challenge the certificate's key verifies). The key is kept only sealed; no error quotes it.
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
            if (certificate.getNotAfter().toInstant().isBefore(now)) throw new InvalidInputException("input.certificatePem", "a certificate of the chain has expired");
            if (certificate.getNotBefore().toInstant().isAfter(now)) throw new InvalidInputException("input.certificatePem", "a certificate of the chain is not valid yet");
        }
        if (!names(leaf, host.value())) throw new InvalidInputException("input.certificatePem", "the certificate does not name " + host.value());
        complete(chain);
        var key = privateKey(keyText);
        if (!matches(key, leaf.getPublicKey())) throw new InvalidInputException("input.privateKeyPem", "the private key is not the certificate's");
        var pem = new StringBuilder();
        for (var certificate : chain) pem.append(pem(certificate));
        return new UploadedCertificate(pem.toString(), new Secret(keyText.strip() + "\n"), issuer(leaf), leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant());
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

    /** True when the certificate's DNS names hold the host, exactly or by a wildcard for its first label. */
    static boolean names(X509Certificate certificate, String host) {
        try {
            var names = certificate.getSubjectAlternativeNames();
            if (names == null) return false;
            for (var name : names) {
                if (!Integer.valueOf(2).equals(name.get(0))) continue; // dNSName
                var dns = name.get(1).toString().toLowerCase(Locale.ROOT);
                if (dns.equals(host)) return true;
                if (dns.startsWith("*.") && host.indexOf('.') > 0 && host.substring(host.indexOf('.')).equals(dns.substring(1))) return true;
            }
            return false;
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
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

    /** The key signs a random challenge that the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, PublicKey certificateKey) {
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
