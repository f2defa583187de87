package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Console sign-in: the session cookie, its CSRF token, sign-out, and what ends a session. */
class ConsoleSessionApiTest extends ServiceTestSupport {
  @Autowired JdbcClient jdbc;

  private record Signed(String cookie, String csrf, Response answer) {}

  private Signed signIn(String key) {
    Response r = send(HttpRequest.newBuilder(uri("/api/session")).POST(HttpRequest.BodyPublishers.noBody()), key);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    String setCookie = r.header("Set-Cookie");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    return new Signed(cookie, r.json().get("csrfToken").stringValue(), r);
  }

  /** A request with the session cookie only (no Authorization header), with a CSRF header when given. */
  private Response withCookie(Signed s, String method, String path, String body, String csrf) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Cookie", s.cookie())
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    if (csrf != null) b.header("X-CSRF-Token", csrf);
    return send(b, null);
  }

  private static void assertProblem(Response r, int status, String code) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("code").stringValue()).isEqualTo(code);
  }

  @Test
  void signingInSetsAnHttpOnlyStrictCookieThatAuthenticatesWithoutTheKey() {
    String key = createKey("cora", "editor");
    Signed s = signIn(key);
    String setCookie = s.answer().header("Set-Cookie");
    assertThat(setCookie).startsWith("weft_session=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/")
        .contains("Max-Age=43200");
    assertThat(s.answer().header("Cache-Control")).contains("no-store");
    assertThat(s.answer().json().get("principal").stringValue()).isEqualTo("cora");
    assertThat(s.answer().json().get("roles").get(0).stringValue()).isEqualTo("editor");
    assertThat(s.answer().text()).doesNotContain(key).doesNotContain(s.cookie().substring("weft_session=".length()));
    // Only the token's hash is stored.
    String token = s.cookie().substring("weft_session=".length());
    assertThat(jdbc.sql("SELECT count(*) FROM console_sessions WHERE token_hash = :t").param("t", token).query(Integer.class).single())
        .isZero();

    assertThat(withCookie(s, "GET", "/api/workflows", null, null).status()).isEqualTo(200);
    Response me = withCookie(s, "GET", "/api/session", null, null);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("csrfToken").stringValue()).isEqualTo(s.csrf());
    assertThat(me.json().get("principal").stringValue()).isEqualTo("cora");
  }

  @Test
  void aChangeOnASessionNeedsItsCsrfTokenAndRolesStillApply() {
    Signed editor = signIn(createKey("edgar", "editor"));
    String def = definition("examples/hello.json", uniqueId("console"));
    Response missing = withCookie(editor, "POST", "/api/workflows", def, null);
    assertProblem(missing, 403, "session.csrf");
    assertThat(missing.json().at("/errors/0/path").stringValue()).isEqualTo("header.X-CSRF-Token");
    assertProblem(withCookie(editor, "POST", "/api/workflows", def, "not-the-token"), 403, "session.csrf");
    assertThat(withCookie(editor, "POST", "/api/workflows", def, editor.csrf()).status()).isEqualTo(201);

    Signed viewer = signIn(createKey("vera", "viewer"));
    assertProblem(withCookie(viewer, "POST", "/api/workflows", definition("examples/hello.json", uniqueId("console")),
        viewer.csrf()), 403, "auth.forbidden");
    // Another session's token is not this session's.
    assertProblem(withCookie(viewer, "DELETE", "/api/session", null, editor.csrf()), 403, "session.csrf");
  }

  @Test
  void anExplicitKeyWinsOverTheCookieAndASessionCannotStartAnother() {
    Signed viewer = signIn(createKey("vince", "viewer"));
    // The admin's key in the header, the viewer's cookie beside it: the request is the admin's.
    Response r = send(HttpRequest.newBuilder(uri("/api/keys")).header("Cookie", viewer.cookie()).GET());
    assertThat(r.status()).isEqualTo(200);
    assertProblem(withCookie(viewer, "POST", "/api/session", null, viewer.csrf()), 400, "session.needs_key");
  }

  @Test
  void signingOutEndsTheSessionAndIsAudited() {
    Signed s = signIn(createKey("olga", "operator"));
    Response out = withCookie(s, "DELETE", "/api/session", null, s.csrf());
    assertThat(out.status()).isEqualTo(204);
    assertThat(out.header("Set-Cookie")).startsWith("weft_session=;").contains("Max-Age=0");
    Response after = withCookie(s, "GET", "/api/workflows", null, null);
    assertProblem(after, 401, "auth.missing");
    assertThat(after.header("Set-Cookie")).as("the dead cookie is removed").contains("Max-Age=0");
    assertThat(jdbc.sql("SELECT action FROM audit_log WHERE principal = 'olga' ORDER BY id").query(String.class).list())
        .containsSubsequence("session.start", "session.end");
  }

  @Test
  void revokingTheKeyOrExpiryEndsTheSession() {
    String key = createKey("rex", "viewer");
    Signed s = signIn(key);
    String keyId = jdbc.sql("SELECT key_id FROM console_sessions WHERE principal = 'rex'").query(String.class).single();
    assertThat(withCookie(s, "GET", "/api/workflows", null, null).status()).isEqualTo(200);
    assertThat(delete("/api/keys/" + keyId).status()).isEqualTo(204);
    assertProblem(withCookie(s, "GET", "/api/workflows", null, null), 401, "auth.missing");

    Signed t = signIn(createKey("tess", "viewer"));
    jdbc.sql("UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE principal = 'tess'").update();
    assertProblem(withCookie(t, "GET", "/api/workflows", null, null), 401, "auth.missing");

    Signed idle = signIn(createKey("ida", "viewer"));
    jdbc.sql("UPDATE console_sessions SET last_seen_at = now() - interval '3 hours' WHERE principal = 'ida'").update();
    assertProblem(withCookie(idle, "GET", "/api/workflows", null, null), 401, "auth.missing");
  }

  @Test
  void theConsoleIsServedWithoutAKeyUnderItsOwnContentSecurityPolicy() {
    Response page = anonymous().get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.text()).contains("/console/app.js").contains("/webjars/dagre/0.8.4/dist/dagre.min.js");
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    for (String asset : new String[] {"/console/app.js", "/console/api.js", "/console/graph.js", "/console/dom.js",
        "/console/console.css", "/webjars/dagre/0.8.4/dist/dagre.min.js"}) {
      assertThat(anonymous().get(asset).status()).as(asset).isEqualTo(200);
    }
    // The API keeps its own strict policy and still needs a caller.
    Response api = anonymous().get("/api/workflows");
    assertProblem(api, 401, "auth.missing");
    assertThat(api.header("Content-Security-Policy")).startsWith("default-src 'none'");
  }

  @Test
  void withoutAnOidcClientTheProviderSignInIsNotOffered() {
    assertProblem(anonymous().get("/api/session/oidc"), 404, "session.oidc_disabled");
    Response start = anonymous().get("/api/session/oidc/start");
    assertThat(start.status()).isEqualTo(302);
    assertThat(start.header("Location")).isEqualTo("/#/signin?error=oidc.disabled");
    assertThat(start.header("Set-Cookie")).isNull();
    Response callback = anonymous().get("/api/session/oidc/callback?code=x&state=y");
    assertThat(callback.header("Location")).isEqualTo("/#/signin?error=oidc.disabled");
  }
}
