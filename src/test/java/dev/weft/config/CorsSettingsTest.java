package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.cors.CorsConfiguration;

/** weft.api.cors.allowed-origins: the origins named, for the API and its document, and never '*'. */
class CorsSettingsTest {
  @Test
  void theNamedOriginsMayCallTheApi() {
    var source = SecurityConfiguration.cors(new WeftProperties.Cors(List.of(" https://app.example.com ", ""), Duration.ofMinutes(5)));
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/workflows");
    request.setRequestURI("/api/workflows");
    CorsConfiguration c = source.getCorsConfiguration(request);
    assertThat(c).isNotNull();
    assertThat(c.checkOrigin("https://app.example.com")).isEqualTo("https://app.example.com");
    assertThat(c.checkOrigin("https://evil.example")).isNull();
    assertThat(c.getAllowCredentials()).isFalse();
    assertThat(c.getMaxAge()).isEqualTo(300L);
    MockHttpServletRequest hook = new MockHttpServletRequest("POST", "/hooks/x");
    hook.setRequestURI("/hooks/x");
    assertThat(source.getCorsConfiguration(hook)).isNull();
  }

  @Test
  void noneByDefaultAndNoWildcard() {
    assertThat(new WeftProperties.Cors(null, Duration.ofMinutes(30)).allowedOrigins()).isEmpty();
    assertThatThrownBy(() -> new WeftProperties.Cors(List.of("*"), Duration.ofMinutes(30)))
        .hasMessageContaining("allowed-origins");
  }
}
