package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.definition.Json;
import dev.weft.security.IssuerUnavailableException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import tools.jackson.databind.JsonNode;

/** The token failures' answers: 401 auth.invalid_token and 503 auth.issuer_unavailable, in problem+json. */
class AuthProblemsTest {
  @Test
  void aBadTokenIs401InvalidTokenAndAnUnreachableProviderIs503() throws Exception {
    AuthProblems problems = new AuthProblems();
    MockHttpServletResponse bad = new MockHttpServletResponse();
    problems.onAuthenticationFailure(new MockHttpServletRequest(), bad, new InvalidBearerTokenException("the token has expired"));
    assertThat(bad.getStatus()).isEqualTo(401);
    assertThat(bad.getContentType()).startsWith("application/problem+json");
    assertThat(bad.getHeader("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
    JsonNode body = Json.parse(bad.getContentAsString());
    assertThat(body.get("code").stringValue()).isEqualTo("auth.invalid_token");
    assertThat(body.get("detail").stringValue()).isEqualTo("the token has expired");

    MockHttpServletResponse away = new MockHttpServletResponse();
    problems.onAuthenticationFailure(new MockHttpServletRequest(), away, new IssuerUnavailableException("keys",
        new RuntimeException("Couldn't retrieve remote JWK set: connect timed out to http://idp.internal:8080/jwks")));
    assertThat(away.getStatus()).isEqualTo(503);
    assertThat(away.getHeader("Retry-After")).isEqualTo("5");
    assertThat(away.getContentType()).startsWith("application/problem+json");
    assertThat(Json.parse(away.getContentAsString()).get("code").stringValue()).isEqualTo("auth.issuer_unavailable");
    assertThat(away.getContentAsString()).doesNotContain("idp.internal");
  }
}
