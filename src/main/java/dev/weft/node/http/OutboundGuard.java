package dev.weft.node.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The outbound guard (SSRF): which addresses the {@code http} node may connect to. By default it refuses
 * loopback, private (RFC 1918, RFC 4193), link-local, multicast, unspecified, carrier-grade NAT and reserved
 * addresses, the IPv6 forms that embed such an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4), and
 * the cloud-metadata endpoints. {@code allow} ({@value #ALLOW_SETTING}) lists CIDRs and host names that are
 * let through anyway; {@code blockPrivate} ({@value #BLOCK_PRIVATE_SETTING}) {@code false} turns the range
 * check off. A metadata endpoint stays refused unless an allow entry names it exactly (its name, or its
 * address as a /32 or /128): a broad CIDR such as {@code 169.254.0.0/16} does not open it.
 */
public final class OutboundGuard {
  public static final String ALLOW_SETTING = "weft.outbound.allow";
  public static final String BLOCK_PRIVATE_SETTING = "weft.outbound.block-private";
  /** Refuses every blocked range; allows nothing extra. */
  public static final OutboundGuard DEFAULT = new OutboundGuard(List.of(), true);

  private static final List<String> METADATA_HOSTS = List.of("metadata.google.internal", "metadata.goog");
  private static final List<InetAddress> METADATA_ADDRESSES = List.of(literal("169.254.169.254"),
      literal("fd00:ec2::254"), literal("100.100.100.200"));

  private static final List<Range> RANGES = List.of(
      Range.of("0.0.0.0/8", "unspecified"),
      Range.of("10.0.0.0/8", "private"),
      Range.of("100.64.0.0/10", "carrier-grade NAT"),
      Range.of("127.0.0.0/8", "loopback"),
      Range.of("169.254.0.0/16", "link-local"),
      Range.of("172.16.0.0/12", "private"),
      Range.of("192.0.0.0/24", "IETF protocol assignments"),
      Range.of("192.168.0.0/16", "private"),
      Range.of("198.18.0.0/15", "benchmarking"),
      Range.of("224.0.0.0/4", "multicast"),
      Range.of("240.0.0.0/4", "reserved"),
      Range.of("::/128", "unspecified"),
      Range.of("::1/128", "loopback"),
      Range.of("fc00::/7", "private"),
      Range.of("fe80::/10", "link-local"),
      Range.of("fec0::/10", "site-local"),
      Range.of("ff00::/8", "multicast"));

  private final List<Range> allowRanges;
  private final List<String> allowHosts;
  private final boolean blockPrivate;

  /**
   * @param allow CIDRs ({@code 10.1.2.0/24}, {@code fd12::/64}), addresses ({@code 10.1.2.3}), host names
   *     ({@code api.internal}) and host name suffixes ({@code *.corp.example}: every subdomain)
   * @throws IllegalArgumentException when an entry is none of these
   */
  public OutboundGuard(List<String> allow, boolean blockPrivate) {
    List<Range> ranges = new ArrayList<>();
    List<String> hosts = new ArrayList<>();
    for (String raw : allow == null ? List.<String>of() : allow) {
      String entry = raw == null ? "" : raw.trim();
      if (entry.isEmpty()) continue;
      if (entry.contains("/") || entry.contains(":") || entry.matches("[0-9.]+")) {
        ranges.add(Range.of(entry.contains("/") ? entry : entry + (entry.contains(":") ? "/128" : "/32"), "allowed"));
      } else if (entry.matches("(\\*\\.)?[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?")) {
        hosts.add(normalize(entry));
      } else {
        throw new IllegalArgumentException(ALLOW_SETTING + ": '" + entry + "' is neither a CIDR nor a host name");
      }
    }
    this.allowRanges = List.copyOf(ranges);
    this.allowHosts = List.copyOf(hosts);
    this.blockPrivate = blockPrivate;
  }

  /** Thrown when a host or one of its addresses is refused; its message names the host and address only. */
  public static final class BlockedAddressException extends Exception {
    BlockedAddressException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Resolves {@code host} (a name or an address literal, brackets allowed) and checks every address it has.
   *
   * @return the addresses, all allowed
   * @throws BlockedAddressException when the name or any of its addresses is refused
   */
  public InetAddress[] resolve(String host) throws UnknownHostException, BlockedAddressException {
    String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (METADATA_HOSTS.contains(normalize(name)) && !allowHosts.contains(normalize(name))) {
      throw new BlockedAddressException("host '" + name + "' is a cloud-metadata endpoint, which outbound requests"
          + " may not reach; an operator may allow it in " + ALLOW_SETTING);
    }
    InetAddress[] addresses = InetAddress.getAllByName(name);
    for (InetAddress a : addresses) {
      Optional<String> why = refusal(name, a);
      if (why.isPresent()) {
        throw new BlockedAddressException("host '" + name + "' resolves to " + a.getHostAddress() + " (" + why.get()
            + "), which outbound requests may not reach; an operator may allow it in " + ALLOW_SETTING
            + (why.get().equals("cloud metadata") ? "" : " or turn the check off with " + BLOCK_PRIVATE_SETTING + "=false"));
      }
    }
    return addresses;
  }

  /** Why {@code address} (reached as {@code host}) is refused, or empty when it is allowed. */
  public Optional<String> refusal(String host, InetAddress address) {
    boolean hostAllowed = hostAllowed(host);
    if (isMetadata(address)) {
      boolean exact = allowHosts.contains(normalize(host))
          || allowRanges.stream().anyMatch(r -> r.isSingleAddress() && r.contains(address));
      return exact ? Optional.empty() : Optional.of("cloud metadata");
    }
    InetAddress embedded = embeddedIpv4(address);
    if (!blockPrivate || hostAllowed
        || allowRanges.stream().anyMatch(r -> r.contains(address) || (embedded != null && r.contains(embedded)))) {
      return Optional.empty();
    }
    return blockedRange(address);
  }

  /** The name of the blocked range {@code address} falls in (whatever the allowlist), or empty. */
  public static Optional<String> blockedRange(InetAddress address) {
    InetAddress embedded = embeddedIpv4(address);
    if (embedded != null) {
      Optional<String> inner = blockedRange(embedded);
      if (inner.isPresent()) return inner;
    }
    return RANGES.stream().filter(r -> r.contains(address)).map(Range::label).findFirst();
  }

  /** Whether {@code address} is a cloud-metadata endpoint, also in an IPv6 form embedding it. */
  static boolean isMetadata(InetAddress address) {
    InetAddress embedded = embeddedIpv4(address);
    return METADATA_ADDRESSES.contains(address) || (embedded != null && METADATA_ADDRESSES.contains(embedded));
  }

  private boolean hostAllowed(String host) {
    String h = normalize(host);
    for (String allowed : allowHosts) {
      if (allowed.startsWith("*.") ? h.endsWith(allowed.substring(1)) : h.equals(allowed)) return true;
    }
    return false;
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /**
   * The IPv4 address an IPv6 address carries: IPv4-mapped ({@code ::ffff:0:0/96}), IPv4-compatible
   * ({@code ::/96}, but not {@code ::} and {@code ::1}), NAT64 ({@code 64:ff9b::/96}) and 6to4 ({@code 2002::/16}).
   */
  static InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) return null;
    byte[] b = address.getAddress();
    boolean zero80 = allZero(b, 0, 10);
    boolean mapped = zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean compatible = zero80 && b[10] == 0 && b[11] == 0 && !allZero(b, 12, 15);
    boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
        && allZero(b, 4, 12);
    try {
      if (mapped || compatible || nat64) return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
        return Inet4Address.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return null;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) if (b[i] != 0) return false;
    return true;
  }

  private static InetAddress literal(String address) {
    try {
      return InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address, e);
    }
  }

  /** A CIDR block. */
  record Range(byte[] network, int bits, String label) {
    static Range of(String cidr, String label) {
      int slash = cidr.indexOf('/');
      String addr = cidr.substring(0, slash).trim();
      if (!addr.matches("[0-9.]+|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*")) {
        throw new IllegalArgumentException(ALLOW_SETTING + ": '" + cidr + "' is not a CIDR");
      }
      byte[] network = literal(addr).getAddress();
      if (addr.contains(":") && network.length == 4) {
        throw new IllegalArgumentException(ALLOW_SETTING + ": '" + cidr + "': write IPv4-mapped ranges as IPv4");
      }
      int bits;
      try {
        bits = Integer.parseInt(cidr.substring(slash + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(ALLOW_SETTING + ": '" + cidr + "' has no prefix length");
      }
      if (bits < 0 || bits > network.length * 8) {
        throw new IllegalArgumentException(ALLOW_SETTING + ": '" + cidr + "' has a prefix length out of range");
      }
      return new Range(network, bits, label);
    }

    boolean isSingleAddress() {
      return bits == network.length * 8;
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) return false;
      int full = bits / 8;
      for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
      int rest = bits % 8;
      if (rest == 0) return true;
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }
  }
}
