package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import dev.weft.security.FakeOidcProvider;
import tools.jackson.databind.JsonNode;

/**
 * The console in a real browser (Debian's chromium through chromium-driver, headless) against the packaged
 * jar: sign in with a key, find a workflow, see its graph, start a run and watch its nodes change colour live
 * (the event stream), sign out, sign in as the approver, approve in the inbox (also at a phone's width), and
 * see the run complete. Screenshots of each page land in {@code target/e2e/console/}.
 */
class ConsoleE2E extends E2ESupport {
  /** The OIDC provider the console signs in through (a confidential client whose secret is in the environment). */
  private final FakeOidcProvider provider = new FakeOidcProvider("weft-console", "e2e-oidc-client-secret", "weft-api");
  private WebDriver browser;
  private WebDriverWait wait;
  private Path shots;

  /** Which browser drives the console: {@code chromium} (default, CI) or {@code firefox} ({@code -Dweft.e2e.browser}). */
  static final String BROWSER = System.getProperty("weft.e2e.browser", "chromium");

  @BeforeAll
  void startBrowser() throws IOException {
    shots = E2EConfig.outputDir().resolve(BROWSER.equals("chromium") ? "console" : "console-" + BROWSER);
    Files.createDirectories(shots);
    browser = BROWSER.equals("firefox") ? firefox() : chromium();
    browser.manage().window().setSize(new Dimension(1280, 900));
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  private static String firstExecutable(String what, String install, String... paths) {
    return java.util.Arrays.stream(paths).filter(p -> Files.isExecutable(Path.of(p))).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + what + ": " + install));
  }

  /** Debian's chromium through its chromium-driver, headless. */
  private WebDriver chromium() throws IOException {
    String chromium = firstExecutable("chromium", "apt-get install -y chromium chromium-driver (.ci/run does)",
        "/usr/bin/chromium", "/usr/bin/chromium-browser");
    String driver = firstExecutable("chromedriver", "apt-get install -y chromium-driver (.ci/run does)",
        "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
        "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver)).usingAnyFreePort()
        .withLogFile(dir.resolve("chromedriver.log").toFile()).build();
    return new ChromeDriver(service, options);
  }

  /** Debian's firefox-esr through geckodriver (not packaged by Debian 12: {@code cargo install geckodriver}), headless. */
  private WebDriver firefox() {
    String firefox = firstExecutable("firefox", "apt-get install -y firefox-esr", "/usr/bin/firefox-esr", "/usr/bin/firefox");
    String driver = firstExecutable("geckodriver", "cargo install geckodriver",
        System.getProperty("user.home") + "/.cargo/bin/geckodriver", "/usr/local/bin/geckodriver", "/usr/bin/geckodriver");
    org.openqa.selenium.firefox.FirefoxOptions options = new org.openqa.selenium.firefox.FirefoxOptions();
    options.setBinary(firefox);
    options.addArguments("-headless");
    org.openqa.selenium.firefox.GeckoDriverService service = new org.openqa.selenium.firefox.GeckoDriverService.Builder()
        .usingDriverExecutable(new File(driver)).usingAnyFreePort().withLogFile(dir.resolve("geckodriver.log").toFile()).build();
    return new org.openqa.selenium.firefox.FirefoxDriver(service, options);
  }

  @AfterAll
  void stopBrowser() {
    if (browser != null) browser.quit();
  }

  @AfterAll
  void stopProvider() {
    provider.close();
  }

  @Override
  protected java.util.Map<String, String> weftEnv() {
    return java.util.Map.of("WEFT_SECURITY_JWT_ISSUER_URI", provider.issuer(), "WEFT_SECURITY_JWT_AUDIENCES", "weft-api",
        "WEFT_CONSOLE_OIDC_CLIENT_ID", "weft-console", "WEFT_CONSOLE_OIDC_DISPLAY_NAME", "Example IdP",
        "WEFT_CONSOLE_OIDC_CLIENT_SECRET_ENV", "E2E_OIDC_SECRET", "E2E_OIDC_SECRET", "e2e-oidc-client-secret");
  }

  private void shot(String name) throws IOException {
    Files.write(shots.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  private WebElement visible(By by) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private void signIn(String key) {
    WebElement secret = visible(By.id("secret"));
    secret.clear();
    secret.sendKeys(key);
    browser.findElement(By.id("sign-in")).click();
    visible(By.id("sign-out"));
  }

  private String nodeStatus(String nodeId) {
    return browser.findElement(By.cssSelector("#graph g.node[data-node='" + nodeId + "']")).getAttribute("data-status");
  }

  /** Signs in as the admin unless a session is already open. */
  private void openSignedIn(String hash) {
    browser.get(weft.baseUrl() + "/#/workflows");
    wait.until(d -> !d.findElements(By.id("secret")).isEmpty() || d.findElement(By.id("sign-out")).isDisplayed());
    if (!browser.findElements(By.id("secret")).isEmpty() && browser.findElement(By.id("secret")).isDisplayed()) {
      signIn(E2EConfig.ADMIN_KEY);
    }
    browser.get(weft.baseUrl() + "/" + hash);
  }

  private void addNode(String type) {
    WebElement filter = visible(By.id("palette-search"));
    filter.clear();
    filter.sendKeys(type);
    browser.findElement(By.cssSelector("#palette-list button[data-type='" + type + "']")).click();
  }

  private WebElement field(String id) {
    return visible(By.id(id));
  }

  /** Types into a field, again if the page re-rendered it meanwhile. */
  private void typeInto(String id, String text) {
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
      WebElement f = field(id);
      f.clear();
      f.sendKeys(text);
      return text.equals(f.getAttribute("value"));
    });
  }

  @Test
  void buildAWorkflowInTheEditorFromNothingSaveItAndRunIt() throws IOException {
    openSignedIn("#/workflows");
    visible(By.id("new-workflow")).click();
    String id = uniqueId("console-built");
    typeInto("wf-name", "Built in the console");
    typeInto("wf-id", id);

    // Three nodes from the catalogue, each configured through the form generated from its schema.
    addNode("set");
    wait.until(d -> d.findElements(By.cssSelector("#editor-graph g.node")).size() == 1);
    typeInto("cfg-values", "{\"greeting\": \"hello {{ input.name }}\"}");
    addNode("if");
    wait.until(d -> d.findElements(By.cssSelector("#editor-graph g.node")).size() == 2);
    // A broken condition: the violation shows on the field and on the node.
    typeInto("cfg-condition", "input.amount >");
    wait.until(d -> !d.findElement(By.id("err-cfg-condition")).getText().isBlank());
    wait.until(d -> d.findElement(By.cssSelector("#editor-graph g.node[data-node='if1']")).getAttribute("class").contains("invalid"));
    shot("09-editor-violation");
    typeInto("cfg-condition", "input.amount > 10");
    wait.until(d -> d.findElement(By.id("err-cfg-condition")).getText().isBlank());
    addNode("set");
    wait.until(d -> d.findElements(By.cssSelector("#editor-graph g.node")).size() == 3);
    typeInto("cfg-values", "{\"big\": true}");

    // Connect set1 -> if1 by dragging its port onto the node; if1's true port -> set2 with the keyboard form.
    wait.until(d -> d.findElement(By.id("validity")).getText().startsWith("Valid"));
    WebElement handle = browser.findElement(By.cssSelector("#editor-graph g.node[data-node='set1'] circle.port-handle"));
    WebElement target = browser.findElement(By.cssSelector("#editor-graph g.node[data-node='if1'] rect"));
    new org.openqa.selenium.interactions.Actions(browser).clickAndHold(handle).moveToElement(target).release().perform();
    wait.until(d -> d.findElements(By.cssSelector("#editor-graph path.edge")).size() == 1);
    browser.findElement(By.cssSelector("#editor-graph g.node[data-node='if1'] rect")).click();
    wait.until(d -> d.findElements(By.cssSelector("#connect-port option[value='true']")).size() == 1);
    new org.openqa.selenium.support.ui.Select(field("connect-port")).selectByValue("true");
    new org.openqa.selenium.support.ui.Select(field("connect-target")).selectByValue("set2");
    browser.findElement(By.id("connect")).click();
    wait.until(d -> d.findElements(By.cssSelector("#editor-graph path.edge")).size() == 2);
    wait.until(d -> d.findElement(By.id("validity")).getText().startsWith("Valid"));

    // Test one node before saving.
    browser.findElement(By.cssSelector("#editor-graph g.node[data-node='set1'] rect")).click();
    typeInto("test-input", "{\"name\": \"ada\"}");
    browser.findElement(By.id("test-node")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("test-output"), "hello ada"));
    shot("10-editor-valid");

    browser.findElement(By.id("save-workflow")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("#/workflows/" + id));
    wait.until(d -> d.findElements(By.cssSelector("#graph g.node")).size() == 3);
    JsonNode saved = rest.get("/api/workflows/" + id).expect(200).json().get("definition");
    assertThat(saved.get("edges").toString()).contains("\"from\":\"set1\"").contains("\"port\":\"true\"");
    assertThat(saved.at("/nodes/1/config/condition").stringValue()).isEqualTo("input.amount > 10");

    // Run it from its page: every node ends green or grey.
    WebElement input = field("run-input");
    input.clear();
    input.sendKeys("{\"name\": \"ada\", \"amount\": 50}");
    browser.findElement(By.id("start-run")).click();
    wait.until(d -> d.findElements(By.id("run-status")).size() == 1 && "COMPLETED".equals(d.findElement(By.id("run-status")).getText()));
    wait.until(d -> "completed".equals(nodeStatus("set2")));
    assertThat(nodeStatus("set1")).isEqualTo("completed");

    // A second version, and the diff between the two.
    browser.get(weft.baseUrl() + "/#/workflows/" + id + "/edit");
    wait.until(d -> d.findElements(By.cssSelector("#editor-graph g.node")).size() == 3);
    browser.findElement(By.cssSelector("#editor-graph g.node[data-node='set2'] rect")).click();
    typeInto("cfg-values", "{\"big\": \"yes\"}");
    wait.until(d -> d.findElement(By.id("validity")).getText().startsWith("Valid"));
    browser.findElement(By.id("save-workflow")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("#/workflows/" + id));
    visible(By.id("compare")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("diff"), "\"big\": \"yes\""));
    assertThat(browser.findElement(By.cssSelector("#diff span.del")).getText()).contains("true");
    shot("11-version-diff");
  }

  @Test
  void credentialsKeysAndTheAuditTrailForAnAdmin() throws IOException {
    openSignedIn("#/credentials");
    String secret = "canary-" + uniqueId("s3cret");
    typeInto("cred-name", "crm-token");
    new org.openqa.selenium.support.ui.Select(field("cred-type")).selectByValue("bearer");
    typeInto("cred-token", secret);
    browser.findElement(By.id("cred-create")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("credentials"), "crm-token"));
    assertThat(browser.getPageSource()).doesNotContain(secret);
    shot("12-credentials");

    browser.findElement(By.cssSelector("[data-nav='keys']")).click();
    typeInto("key-principal", "kim");
    new org.openqa.selenium.support.ui.Select(field("key-role")).selectByValue("viewer");
    browser.findElement(By.id("key-create")).click();
    String key = visible(By.id("new-key")).getText();
    assertThat(key).startsWith("weft_");
    assertThat(new Rest(weft::baseUrl, key).get("/api/workflows").status()).isEqualTo(200);
    WebElement revoke = browser.findElement(By.cssSelector("button[aria-label^='Revoke key'][aria-label$='of kim']"));
    revoke.click();
    browser.switchTo().alert().accept();
    wait.until(d -> d.findElements(By.cssSelector("button[aria-label$='of kim']")).isEmpty());
    assertThat(new Rest(weft::baseUrl, key).get("/api/workflows").status()).isEqualTo(401);
    shot("13-keys");

    browser.findElement(By.cssSelector("[data-nav='audit']")).click();
    typeInto("audit-action", "credential");
    browser.findElement(By.cssSelector("form.filters button[type='submit']")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit"), "credential.create"));
    assertThat(browser.findElement(By.id("audit-csv")).getAttribute("href")).contains("format=csv").contains("action=credential");
    assertThat(browser.getPageSource()).doesNotContain(secret);
    shot("14-audit");
  }

  @Test
  void theInsightsDashboardChartsRunsAndListsWorkflows() throws IOException {
    String id = uniqueId("console-insights");
    create(Files.readString(Path.of("examples/hello.json")).replaceFirst("\\{", "{\"id\": \"" + id + "\","));
    JsonNode done = rest.post("/api/workflows/" + id + "/runs?wait=PT60S", "{\"input\": {\"name\": \"ada\"}}").expect(200).json();
    assertThat(done.get("status").stringValue()).isEqualTo("COMPLETED");
    openSignedIn("#/insights");
    wait.until(d -> d.findElements(By.cssSelector("#chart-executions canvas")).size() == 1);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("insights-workflows"), id));
    WebElement row = browser.findElement(By.xpath("//table[@id='insights-workflows']//tr[td/a[text()='" + id + "']]"));
    assertThat(row.getText()).contains("100.0 %");
    // Durations are never negative (an eager start once recorded its start after the run had ended).
    List<WebElement> cells = row.findElements(By.tagName("td"));
    assertThat(cells.get(5).getText()).as("p50").matches("\\d.*");
    assertThat(cells.get(6).getText()).as("p95").matches("\\d.*");
    assertThat(browser.findElement(By.id("chart-executions")).getAttribute("aria-label")).startsWith("Runs by status per day");
    new org.openqa.selenium.support.ui.Select(field("bucket")).selectByValue("week");
    wait.until(d -> d.getCurrentUrl().contains("bucket=week"));
    wait.until(d -> d.findElements(By.cssSelector("#chart-executions canvas")).size() == 1);
    shot("15-insights");
  }

  /**
   * The agent panel against a scripted model: the reply streams, the tool calls show as they happen, the
   * generated workflow is previewed as a graph with its dry run, and saving waits for the user's confirmation.
   */
  @Test
  void theAgentPanelPreviewsAGeneratedWorkflowAndSavesItOnlyWhenConfirmed() throws IOException {
    String name = "Greeter " + uniqueId("g").substring(2);
    String definition = dev.weft.definition.Json.MAPPER.writeValueAsString(dev.weft.definition.Json.MAPPER.readTree("""
        {"name": "%s", "nodes": [{"id": "greet", "type": "set", "config": {"values": {"greeting": "Hello there"}}}],
         "edges": []}""".formatted(name)));
    stub.script("/v1/chat/completions",
        dev.weft.ai.StubLlm.sseToolCalls("generate_workflow", "{\"description\": \"greet people by name\"}"),
        dev.weft.ai.StubLlm.completion("e2e-model", definition, 40, 20),
        dev.weft.ai.StubLlm.sseToolCalls("save_workflow", "{\"draftId\": \"draft-1\"}"),
        dev.weft.ai.StubLlm.sseText("Here is the draft: one node that greets. Confirm to save it."));
    openSignedIn("#/agent");
    typeInto("chat-input", "Build me a workflow that greets people by name");
    browser.findElement(By.id("chat-send")).click();
    wait.until(d -> d.findElements(By.cssSelector("details.tool[data-tool='generate_workflow']")).size() == 1);
    wait.until(d -> d.findElements(By.cssSelector(".draft-preview svg g.node")).size() == 1);
    assertThat(browser.findElement(By.cssSelector(".draft-preview pre.dry-run")).getText()).contains("greeting");
    WebElement card = visible(By.cssSelector("[data-confirmation]"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chat-log"), "Confirm to save it."));
    String workflowId = name.toLowerCase().replace(' ', '-');
    assertThat(card.getText()).as("the summary names what will be saved").contains("'" + workflowId + "'");
    assertThat(rest.get("/api/workflows/" + workflowId).status()).as("nothing is saved before the user confirms").isEqualTo(404);
    shot("16-agent-proposal");
    card.findElement(By.cssSelector("button[data-decision='confirm']")).click();
    wait.until(ExpectedConditions.textToBePresentInElement(card, "confirmed"));
    assertThat(rest.get("/api/workflows/" + workflowId).status()).isEqualTo(200);
    shot("17-agent-confirmed");
  }

  @Test
  void aFailedNodeAsksInTheInboxAndIsRetriedWithAnEditedConfig() throws IOException {
    String id = uniqueId("console-ask");
    create("""
        {"id": "%s", "name": "Ask on error", "nodes": [
          {"id": "calc", "type": "code", "onError": "ask",
           "config": {"language": "javascript", "source": "throw new Error('boom')"}}]}""".formatted(id));
    String runId = start(id);
    org.awaitility.Awaitility.await("the failed node asks").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
        .ignoreExceptions().until(() -> "WAITING".equals(state(runId).get("status").stringValue()));
    openSignedIn("#/inbox");
    WebElement card = visible(By.cssSelector("[data-task='" + runId + "/calc']"));
    assertThat(card.getText()).contains("boom");
    WebElement config = card.findElement(By.id("ask-config-" + runId + "-calc"));
    config.clear();
    config.sendKeys("{\"language\": \"javascript\", \"source\": \"return {fixed: true};\"}");
    shot("18-inbox-ask");
    card.findElement(By.cssSelector("button[data-action='retry']")).click();
    JsonNode ended = awaitEnd(runId, Duration.ofSeconds(60));
    assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("COMPLETED");
    assertThat(ended.at("/nodes/calc/output/fixed").asBoolean()).as(ended.toString()).isTrue();
  }

  @Test
  void signInFindAWorkflowRunItLiveApproveInTheInboxAndSignOut() throws IOException {
    String id = uniqueId("console-expense");
    String def = Files.readString(Path.of("examples/expense-approval.json")).replaceFirst("\\{", "{\"id\": \"" + id + "\",");
    create(def);
    String approverKey = rest.post("/api/keys", "{\"principal\": \"maria\", \"roles\": [\"operator\"], \"groups\": [\"managers\"]}")
        .expect(201).json().get("key").stringValue();

    // A newcomer (no cookie: whatever another test left is dropped) gets the sign-in page, not a 401 body.
    browser.get(weft.baseUrl() + "/console/console.css");
    browser.manage().deleteAllCookies();
    browser.get(weft.baseUrl() + "/");
    visible(By.id("secret"));
    shot("01-sign-in");
    browser.findElement(By.id("secret")).sendKeys("weft_not-a-key");
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "auth.invalid"));
    signIn(E2EConfig.ADMIN_KEY);
    assertThat(browser.manage().getCookieNamed("weft_session").isHttpOnly()).isTrue();

    // Workflows: search, then the workflow's page with its graph.
    WebElement search = visible(By.id("wf-search"));
    search.sendKeys(id);
    wait.until(d -> d.findElements(By.cssSelector("main tbody tr")).size() == 1);
    shot("02-workflows");
    browser.findElement(By.linkText("Expense approval")).click();
    wait.until(d -> d.findElements(By.cssSelector("#graph g.node")).size() == 5);
    assertThat(browser.findElements(By.cssSelector("#graph path.edge"))).hasSize(4);
    assertThat(browser.findElements(By.cssSelector("#graph text.port")).stream().map(WebElement::getText))
        .contains("true", "false", "approved", "rejected");
    // Keyboard: a node is focusable and Enter shows its config.
    WebElement approveNode = browser.findElement(By.cssSelector("#graph g.node[data-node='approve']"));
    approveNode.sendKeys(org.openqa.selenium.Keys.ENTER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("node-detail"), "group:managers"));
    shot("03-workflow-graph");

    // Start a run from the page: the run page colours the graph from the live stream.
    WebElement input = browser.findElement(By.id("run-input"));
    input.clear();
    input.sendKeys("{\"amount\": 1500, \"employee\": \"ann\", \"reason\": \"conference\"}");
    browser.findElement(By.id("start-run")).click();
    wait.until(d -> "completed".equals(nodeStatus("large")) && "waiting".equals(nodeStatus("approve")));
    assertThat(nodeStatus("auto")).isEqualTo("skipped");
    String runId = browser.getCurrentUrl().replaceAll(".*#/runs/", "");
    assertThat(visible(By.id("run-status")).getText()).isEqualTo("WAITING");
    assertThat(browser.findElement(By.id("timeline")).getText()).contains("node_waiting approve");
    shot("04-run-waiting");

    // Sign out; the approver signs in and approves in the inbox.
    browser.findElement(By.id("sign-out")).click();
    visible(By.id("secret"));
    signIn(approverKey);
    browser.findElement(By.cssSelector("[data-nav='inbox']")).click();
    WebElement card = visible(By.cssSelector("[data-task='" + runId + "/approve']"));
    assertThat(card.getText()).contains("Approve 1500 EUR for ann?");
    browser.manage().window().setSize(new Dimension(390, 844));
    shot("05-inbox-phone");
    browser.manage().window().setSize(new Dimension(1280, 900));
    card.findElement(By.tagName("textarea")).sendKeys("fine by me");
    card.findElement(By.cssSelector("button[data-action='approve']")).click();
    visible(By.id("inbox-empty"));
    shot("06-inbox-after");

    // The run page shows the run completing, every taken node green.
    browser.get(weft.baseUrl() + "/#/runs/" + runId);
    wait.until(d -> "COMPLETED".equals(d.findElement(By.id("run-status")).getText()));
    wait.until(d -> "completed".equals(nodeStatus("book")));
    assertThat(nodeStatus("approve")).isEqualTo("completed");
    assertThat(nodeStatus("refuse")).isEqualTo("skipped");
    browser.findElement(By.cssSelector("#graph g.node[data-node='book'] rect")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("node-output"), "fine by me"));
    shot("07-run-completed");
    JsonNode state = state(runId);
    assertThat(state.get("status").stringValue()).isEqualTo("COMPLETED");

    // Runs list, filtered by workflow and status.
    browser.get(weft.baseUrl() + "/#/runs?workflowId=" + id + "&status=COMPLETED");
    wait.until(d -> d.findElements(By.linkText(runId)).size() == 1);
    shot("08-runs");

    // Signing out ends the session: a reload shows the sign-in page.
    browser.findElement(By.id("sign-out")).click();
    visible(By.id("secret"));
    browser.navigate().refresh();
    visible(By.id("secret"));
    assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
  }

  @Test
  void signInThroughTheOidcProviderAfterARefusedToken() throws IOException {
    browser.get(weft.baseUrl() + "/console/console.css");
    browser.manage().deleteAllCookies();
    // First the provider issues an access token for another API: Weft refuses it and the page says so.
    provider.reset();
    provider.accessChange = c -> c.audience("another-api");
    browser.get(weft.baseUrl() + "/");
    WebElement button = visible(By.id("sign-in-oidc"));
    assertThat(button.getText()).isEqualTo("Sign in with Example IdP");
    button.click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "oidc.token"));
    assertThat(browser.getCurrentUrl()).endsWith("/#/signin?error=oidc.token");
    assertThat(browser.manage().getCookieNamed("weft_session")).isNull();
    shot("00-sign-in-oidc-refused");

    // Then a good one: through the provider and back, signed in as the token's principal.
    provider.reset();
    provider.accessChange = c -> c.subject("olivia").claim("roles", List.of("admin"));
    visible(By.id("sign-in-oidc")).click();
    visible(By.id("sign-out"));
    wait.until(d -> d.getCurrentUrl().endsWith("/#/workflows"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "olivia · admin · default"));
    assertThat(browser.manage().getCookieNamed("weft_session").isHttpOnly()).isTrue();
    visible(By.id("wf-search"));
    assertThat(provider.grants.values()).allSatisfy(g -> assertThat(g.request().get("code_challenge_method")).isEqualTo("S256"));
    browser.findElement(By.id("sign-out")).click();
    visible(By.id("secret"));
  }
}
