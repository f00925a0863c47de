package dev.spindle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Scoped tokens in a real browser: a read token of one project sees that project only (picker,
 * pages, the part of a cross-project trace that is its project's) and no admin action; an admin
 * token of every project gets the settings page and manages tokens there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AccessBrowserTest {
  @TempDir static Path dir;
  TestServer ts;
  UiFixture fx;
  Browser b;
  String paymentsReader;

  @BeforeAll
  void start() throws Exception {
    Browser.assumeChromium();
    ts = new TestServer(dir);
    fx = new UiFixture(ts).seed();
    JsonNode t = TestServer.json(ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/api/v1/tokens"))
        .header("Authorization", "Bearer " + ts.token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"payments-viewer\",\"scope\":\"read\",\"projects\":["
            + fx.paymentsProject + "]}"))).body());
    paymentsReader = t.get("token").asText();
    b = new Browser(1400, 900);
  }

  @AfterAll
  void stop() throws Exception {
    if (b != null) b.close();
    if (ts != null) ts.close();
  }

  void signInAs(String token) {
    b.driver.get(ts.base + "/");
    b.driver.manage().deleteAllCookies();
    b.driver.get("about:blank");
    b.driver.get(ts.base + "/#/performance?period=24h");
    b.find("#signin input[name=token]").sendKeys(token);
    b.find("#signin button[type=submit]").click();
    b.find("header.top");
  }

  List<String> projectOptions() {
    return b.driver.findElements(By.cssSelector("#project option")).stream().map(WebElement::getText).toList();
  }

  @Test
  void aReadTokenOfOneProjectSeesThatProjectOnlyAndNoAdminActions() throws Exception {
    signInAs(paymentsReader);
    b.until(d -> d.getCurrentUrl().contains("project=" + fx.paymentsProject) ? true : null, "its project in the URL");
    assertEquals(List.of("payments (#" + fx.paymentsProject + ")"), projectOptions());
    b.find("#transactions");
    String names = b.find("#transactions tbody").getText();
    assertTrue(names.contains("POST /pay"), names);
    assertFalse(names.contains("GET /checkout"), "the shop's transactions are another project's");
    assertTrue(b.driver.findElements(By.cssSelector("nav a[href*='/settings']")).isEmpty(), "no settings link");
    b.screenshot("access-01-read-token");

    b.driver.get(ts.base + "/#/settings?project=" + fx.paymentsProject);
    b.find("#read-only");
    assertTrue(b.driver.findElements(By.cssSelector(".rotate-key, #create-project, #create-token, .revoke")).isEmpty());

    // The checkout trace crosses both projects: this token sees the payments part, without errors.
    b.driver.get(ts.base + "/#/trace/" + fx.traceId + "?project=" + fx.paymentsProject);
    b.find(".wf-row[data-id='" + fx.dbSpanId + "']");
    assertTrue(b.driver.findElements(By.cssSelector(".wf-row[data-id='" + fx.rootSpanId + "']")).isEmpty(),
        "the shop's root transaction is not shown");
    b.screenshot("access-02-read-token-trace");

    // A link to the other project opens this token's project instead.
    b.driver.get(ts.base + "/#/errors?period=24h&project=1");
    b.until(d -> d.getCurrentUrl().contains("project=" + fx.paymentsProject) ? true : null, "its own project");
    b.until(d -> d.findElement(By.cssSelector("#error-list")).getText().contains("PaymentDeclined") ? true : null,
        "the payments error");
    assertEquals("[]", String.valueOf(b.js("return JSON.stringify(window.__spindleErrors)")));
  }

  @Test
  void anAdminTokenManagesTokensInSettings() throws Exception {
    signInAs(ts.token);
    assertEquals(2, projectOptions().size());
    b.find("nav a[href*='/settings']").click();
    b.find("#project-admin");
    assertEquals(2, b.driver.findElements(By.cssSelector("#project-admin .rotate-key")).size());
    b.find("#create-project");
    b.until(d -> d.findElement(By.cssSelector("#token-admin")).getText().contains("payments-viewer") ? true : null,
        "the token list");

    b.find("#create-token input[name=name]").sendKeys("from-the-ui");
    b.find("#create-token button[type=submit]").click();
    String token = b.find("#new-token code").getText();
    assertTrue(token.startsWith("spd_"), token);
    b.until(d -> d.findElement(By.cssSelector("#token-admin")).getText().contains("from-the-ui") ? true : null, "the new token");
    b.screenshot("access-03-settings");
    HttpRequest.Builder who = HttpRequest.newBuilder(URI.create(ts.base + "/api/v1/whoami")).header("Authorization", "Bearer " + token);
    JsonNode me = TestServer.json(ts.send(who).body());
    assertEquals("read", me.get("scope").asText(), "read is the form's default");
    assertTrue(me.get("projects").isNull());
  }
}
