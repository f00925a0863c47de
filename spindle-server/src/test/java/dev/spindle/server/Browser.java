package dev.spindle.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium driven by its chromedriver, headless. Tests skip (with a message) only when
 * Chromium is missing and the CI variable is unset; under CI it must be there.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final Path DRIVER = Paths.get("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Paths.get("target", "screenshots");

  final ChromeDriver driver;
  private final Path profile;

  static void assumeChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (present) return;
    String ci = System.getenv("CI");
    if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
      throw new AssertionError("CI is set but " + CHROMIUM + " or " + DRIVER
          + " is missing: install them with apt-get install -y chromium chromium-driver");
    }
    Assumptions.abort("browser tests skipped: " + CHROMIUM + " or " + DRIVER
        + " is missing (apt-get install -y chromium chromium-driver); they run whenever CI is set");
  }

  Browser(int width, int height) throws IOException {
    profile = Files.createTempDirectory("spindle-chromium-");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height, "--force-device-scale-factor=1");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER.toString())).usingAnyFreePort().build();
    driver = new ChromeDriver(service, o);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  WebElement find(String css) {
    return until(d -> {
      var found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    }, "an element " + css);
  }

  <T> T until(Function<WebDriver, T> condition, String what) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(15)).until(condition::apply);
    } catch (org.openqa.selenium.TimeoutException e) {
      try {
        screenshot("failure-" + System.currentTimeMillis());
      } catch (IOException | RuntimeException ignored) {
        // the message below still says what went wrong
      }
      throw new AssertionError("waited 15 s for " + what + " at " + driver.getCurrentUrl() + "; script errors: "
          + driver.executeScript("return JSON.stringify(window.__spindleErrors || [])") + "; page text:\n"
          + driver.findElement(By.tagName("body")).getText(), e);
    }
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Saves a screenshot as target/screenshots/{name}.png. */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path p = SCREENSHOTS.resolve(name + ".png");
    Files.write(p, driver.getScreenshotAs(OutputType.BYTES));
    return p;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> s = Files.walk(profile)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

}
