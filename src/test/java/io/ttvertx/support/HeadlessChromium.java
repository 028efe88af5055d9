package io.ttvertx.support;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver (both given by path, so Selenium
 * Manager looks nothing up or downloads). Tests that need it are skipped when it is not installed;
 * .ci/run installs it.
 */
public final class HeadlessChromium {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private HeadlessChromium() {
  }

  /** Skips the calling test class when chromium or chromedriver is missing. */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
            + "): apt-get install -y chromium chromium-driver");
  }

  /** A fresh browser with its own profile directory, with {@code extraArguments}; the caller quits it. */
  public static ChromeDriver start(String... extraArguments) {
    assumeInstalled();
    try {
      Path profile = Files.createTempDirectory("tt-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--window-size=1100,720", "--user-data-dir=" + profile);
      options.addArguments(extraArguments);
      System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
          .usingAnyFreePort()
          .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
      return driver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
