package dev.weft.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The address classifier of the outbound guard: every blocked range, IPv6 forms, and the allowlist. */
class OutboundGuardTest {

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static Optional<String> range(String literal) {
    return OutboundGuard.blockedRange(ip(literal));
  }

  @Test
  void everyBlockedIpv4RangeIsNamed() {
    assertThat(range("127.0.0.1")).contains("loopback");
    assertThat(range("127.255.255.254")).contains("loopback");
    assertThat(range("10.0.0.1")).contains("private");
    assertThat(range("10.255.255.255")).contains("private");
    assertThat(range("172.16.0.1")).contains("private");
    assertThat(range("172.31.255.255")).contains("private");
    assertThat(range("192.168.1.1")).contains("private");
    assertThat(range("169.254.0.1")).contains("link-local");
    assertThat(range("100.64.0.1")).contains("carrier-grade NAT");
    assertThat(range("100.127.255.255")).contains("carrier-grade NAT");
    assertThat(range("224.0.0.1")).contains("multicast");
    assertThat(range("239.255.255.250")).contains("multicast");
    assertThat(range("0.0.0.0")).contains("unspecified");
    assertThat(range("255.255.255.255")).contains("reserved");
  }

  @Test
  void theEdgesOfTheRangesArePublic() {
    for (String pub : List.of("8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0",
        "192.167.255.255", "192.169.0.0", "100.63.255.255", "100.128.0.0", "169.253.255.255", "169.255.0.0",
        "126.255.255.255", "128.0.0.0", "223.255.255.255", "93.184.216.34")) {
      assertThat(range(pub)).as(pub).isEmpty();
    }
  }

  @Test
  void everyBlockedIpv6RangeIsNamed() {
    assertThat(range("::1")).contains("loopback");
    assertThat(range("::")).contains("unspecified");
    assertThat(range("fc00::1")).contains("private");
    assertThat(range("fd12:3456:789a::1")).contains("private");
    assertThat(range("fe80::1")).contains("link-local");
    assertThat(range("febf:ffff::1")).contains("link-local");
    assertThat(range("ff02::1")).contains("multicast");
    assertThat(range("2001:4860:4860::8888")).isEmpty();
    assertThat(range("2606:4700::1111")).isEmpty();
    assertThat(range("fbff:ffff::1")).isEmpty();
  }

  @Test
  void ipv6FormsCarryingABlockedIpv4AddressAreBlocked() {
    // IPv4-mapped: Java turns ::ffff:a.b.c.d into an Inet4Address; a raw 16-byte address stays IPv6 here.
    assertThat(range("::ffff:127.0.0.1")).contains("loopback");
    assertThat(range("::ffff:169.254.169.254")).contains("link-local");
    assertThat(range("::ffff:10.1.2.3")).contains("private");
    assertThat(range("::ffff:0.0.0.0")).contains("unspecified");
    assertThat(OutboundGuard.blockedRange(raw16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1)))
        .contains("loopback");
    assertThat(range("::127.0.0.1")).contains("loopback");        // IPv4-compatible
    assertThat(range("64:ff9b::a9fe:a9fe")).contains("link-local"); // NAT64 of 169.254.169.254
    assertThat(range("2002:c0a8:0101::1")).contains("private");     // 6to4 of 192.168.1.1
    assertThat(range("::ffff:8.8.8.8")).isEmpty();
    assertThat(range("64:ff9b::808:808")).isEmpty();
  }

  private static InetAddress raw16(int... bytes) {
    byte[] b = new byte[16];
    for (int i = 0; i < 16; i++) b[i] = (byte) bytes[i];
    try {
      return java.net.Inet6Address.getByAddress(null, b, -1);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void cloudMetadataAddressesAreRefusedUnlessAllowedExactly() {
    OutboundGuard defaults = OutboundGuard.DEFAULT;
    assertThat(defaults.refusal("169.254.169.254", ip("169.254.169.254"))).contains("cloud metadata");
    assertThat(defaults.refusal("x", ip("fd00:ec2::254"))).contains("cloud metadata");
    assertThat(defaults.refusal("x", ip("::ffff:169.254.169.254"))).contains("cloud metadata");
    assertThat(defaults.refusal("x", ip("64:ff9b::a9fe:a9fe"))).contains("cloud metadata");
    // Neither a broad range nor the global switch opens them; an exact entry does.
    assertThat(new OutboundGuard(List.of("169.254.0.0/16"), true).refusal("x", ip("169.254.169.254")))
        .contains("cloud metadata");
    assertThat(new OutboundGuard(List.of("169.254.0.0/16"), true).refusal("x", ip("169.254.1.1"))).isEmpty();
    assertThat(new OutboundGuard(List.of(), false).refusal("x", ip("169.254.169.254"))).contains("cloud metadata");
    assertThat(new OutboundGuard(List.of("169.254.169.254/32"), true).refusal("x", ip("169.254.169.254"))).isEmpty();
    assertThat(new OutboundGuard(List.of("fd00:ec2::254"), true).refusal("x", ip("fd00:ec2::254"))).isEmpty();
  }

  @Test
  void metadataHostNamesAreRefusedBeforeTheyAreResolved() {
    assertThatThrownBy(() -> OutboundGuard.DEFAULT.resolve("metadata.google.internal"))
        .isInstanceOf(OutboundGuard.BlockedAddressException.class)
        .hasMessageContaining("'metadata.google.internal' is a cloud-metadata endpoint");
    assertThatThrownBy(() -> OutboundGuard.DEFAULT.resolve("METADATA.google.internal."))
        .isInstanceOf(OutboundGuard.BlockedAddressException.class);
  }

  @Test
  void theAllowlistTakesCidrsAddressesAndHostNames() {
    OutboundGuard guard = new OutboundGuard(List.of("10.1.0.0/16", "192.168.7.7", "fd12::/16", "api.internal",
        "*.corp.example"), true);
    assertThat(guard.refusal("x", ip("10.1.2.3"))).isEmpty();
    assertThat(guard.refusal("x", ip("10.2.0.1"))).contains("private");
    assertThat(guard.refusal("x", ip("192.168.7.7"))).isEmpty();
    assertThat(guard.refusal("x", ip("192.168.7.8"))).contains("private");
    assertThat(guard.refusal("x", ip("fd12:1::1"))).isEmpty();
    assertThat(guard.refusal("x", ip("fd13::1"))).contains("private");
    assertThat(guard.refusal("x", ip("::ffff:10.1.2.3"))).isEmpty();
    assertThat(guard.refusal("API.internal.", ip("10.9.9.9"))).isEmpty();
    assertThat(guard.refusal("svc.corp.example", ip("127.0.0.1"))).isEmpty();
    assertThat(guard.refusal("corp.example", ip("127.0.0.1"))).contains("loopback");
    assertThat(guard.refusal("evil-api.internal", ip("10.9.9.9"))).contains("private");
    assertThat(guard.refusal("x", ip("8.8.8.8"))).isEmpty();
  }

  @Test
  void blockPrivateFalseTurnsTheRangeCheckOff() {
    OutboundGuard open = new OutboundGuard(List.of(), false);
    assertThat(open.refusal("x", ip("127.0.0.1"))).isEmpty();
    assertThat(open.refusal("x", ip("10.0.0.1"))).isEmpty();
  }

  @Test
  void resolveChecksEveryAddressOfTheName() throws Exception {
    assertThatThrownBy(() -> OutboundGuard.DEFAULT.resolve("localhost"))
        .isInstanceOf(OutboundGuard.BlockedAddressException.class)
        .hasMessageContaining("host 'localhost' resolves to ")
        .hasMessageContaining("weft.outbound.allow");
    assertThatThrownBy(() -> OutboundGuard.DEFAULT.resolve("[::1]"))
        .hasMessageContaining("0:0:0:0:0:0:0:1 (loopback)");
    assertThat(new OutboundGuard(List.of("127.0.0.0/8", "::1/128"), true).resolve("localhost")).isNotEmpty();
    assertThat(new OutboundGuard(List.of("localhost"), true).resolve("localhost")).isNotEmpty();
    assertThat(OutboundGuard.DEFAULT.resolve("93.184.216.34")).containsExactly(ip("93.184.216.34"));
  }

  @Test
  void invalidAllowEntriesAreRejected() {
    for (String bad : List.of("10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "not a host", "abc/8", "http://x")) {
      assertThatThrownBy(() -> new OutboundGuard(List.of(bad), true)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weft.outbound.allow");
    }
  }
}
