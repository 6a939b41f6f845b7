package dev.berth.execution;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Which addresses can never be a managed server, checked twice: at input (IP literals and well-known names)
 * and at connect time on every address a name resolves to, since a name can resolve to anything. Refused:
 * unspecified ({@code 0.0.0.0/8}, {@code ::}), link-local (where cloud metadata services live, e.g.
 * {@code 169.254.169.254}), multicast, broadcast, the cloud metadata addresses outside link-local, and the
 * metadata host names. Private ranges and loopback stay allowed: users run servers there, and Berth's host is one.
 */
public final class HostPolicy {
    private static final Set<String> METADATA_NAMES = Set.of("metadata", "metadata.google.internal", "metadata.goog",
            "metadata.azure.internal", "instance-data", "instance-data.ec2.internal", "metadata.tencentyun.com");
    /** Cloud metadata services outside the link-local range (Alibaba, AWS over IPv6, Oracle's v2 alias). */
    private static final Set<String> METADATA_ADDRESSES = Set.of("100.100.100.200", "fd00:ec2:0:0:0:0:0:254", "192.0.0.192");

    /** How names become addresses; tests give a fake to check resolution without touching the network. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public static final Resolver DNS = InetAddress::getAllByName;

    private HostPolicy() {}

    /** Why {@code host} (a name or literal, as typed) can never be a server, or null when it may be. */
    public static String refusedAtInput(String host) {
        var name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (METADATA_NAMES.contains(name.toLowerCase(Locale.ROOT))) return "a cloud metadata service, never a server";
        if (!looksLiteral(name)) return null;
        try {
            return refused(InetAddress.getByName(name)); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return null; // not a literal after all: the input check's own grammar decides
        }
    }

    /** Resolves {@code host} and returns the address to connect to; every resolved address must be allowed. */
    public static InetAddress resolveAllowed(String host, Resolver resolver) {
        var inputProblem = refusedAtInput(host);
        if (inputProblem != null) throw new ServerUnreachableException("Refusing to connect to " + host + ": " + inputProblem + ".", null);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new ServerUnreachableException("Cannot resolve " + host + ".", null);
        }
        if (addresses.length == 0) throw new ServerUnreachableException("Cannot resolve " + host + ".", null);
        for (var address : addresses) {
            var problem = refused(address);
            if (problem != null) {
                throw new ServerUnreachableException("Refusing to connect to " + host + ": it resolves to " + address.getHostAddress()
                        + ", " + problem + ".", null);
            }
        }
        return addresses[0];
    }

    /** Why this address can never be a server, or null. IPv4-mapped IPv6 forms arrive here as IPv4. */
    static String refused(InetAddress address) {
        if (address.isAnyLocalAddress()) return "an unspecified address";
        if (address.isLinkLocalAddress()) return "a link-local address (where cloud metadata services live)";
        if (address.isMulticastAddress()) return "a multicast address";
        if (METADATA_ADDRESSES.contains(address.getHostAddress())) return "a cloud metadata service, never a server";
        if (address instanceof Inet4Address v4) {
            var bytes = v4.getAddress();
            if (bytes[0] == 0) return "an unspecified address";
            if ((bytes[0] & bytes[1] & bytes[2] & bytes[3] & 0xff) == 0xff) return "a broadcast address";
        }
        if (address instanceof Inet6Address v6) {
            var bytes = v6.getAddress();
            // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) forms of a refused IPv4 address
            if (isPrefixZero(bytes, 12) || isNat64(bytes)) {
                try {
                    var embedded = InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
                    var problem = refused(embedded);
                    if (problem != null) return problem;
                } catch (UnknownHostException impossible) {
                    return "an unreadable address";
                }
            }
        }
        return null;
    }

    private static boolean looksLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    private static boolean isPrefixZero(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) if (bytes[i] != 0) return false;
        return !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && (bytes[15] == 0 || bytes[15] == 1)); // :: and ::1 are not IPv4
    }

    private static boolean isNat64(byte[] bytes) {
        if (bytes[0] != 0 || bytes[1] != 0x64 || bytes[2] != (byte) 0xff || bytes[3] != (byte) 0x9b) return false;
        for (int i = 4; i < 12; i++) if (bytes[i] != 0) return false;
        return true;
    }
}
