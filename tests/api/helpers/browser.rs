//! A real headless Chromium for the browser tests, driven over WebDriver (`fantoccini`)
//! through Debian's `chromedriver`. [`Browser::start`] fails, saying what to install, when
//! either is missing: the browser tests are `#[ignore]`d like the PostgreSQL ones, so a
//! run that includes them must really run them (`.ci/run` installs both).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client as WebDriver, ClientBuilder, Locator};
use serde_json::{json, Value};

/// Where the browser and its driver are, unless `OPS_TEST_CHROMIUM` / `OPS_TEST_CHROMEDRIVER`
/// say otherwise.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn executable(variable: &str, default: &str) -> PathBuf {
    let path = PathBuf::from(std::env::var(variable).unwrap_or_else(|_| default.to_string()));
    if !path.is_file() {
        panic!(
            "{} is not installed: this browser test needs Chromium and its WebDriver \
             (`apt-get install -y chromium chromium-driver`, which .ci/run does), or \
             {variable} pointing at them. Leave the ignored browser tests out (no \
             --include-ignored) to run without them.",
            path.display()
        );
    }
    path
}

/// A headless Chromium session, and the chromedriver process behind it (killed on drop).
pub struct Browser {
    pub driver: WebDriver,
    _chromedriver: tokio::process::Child,
    artifacts: PathBuf,
    name: String,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium session. `name`
    /// prefixes the screenshots kept under `target/browser-artifacts/`.
    pub async fn start(name: &str) -> Browser {
        let chromium = executable("OPS_TEST_CHROMIUM", CHROMIUM);
        let chromedriver = executable("OPS_TEST_CHROMEDRIVER", CHROMEDRIVER);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = tokio::process::Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", chromedriver.display()));
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let mut ready = false;
        for _ in 0..100 {
            if let Ok(response) = http.get(format!("{url}/status")).send().await {
                let status: Value = response.json().await.unwrap_or_default();
                if status["value"]["ready"] == json!(true) {
                    ready = true;
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(ready, "chromedriver did not come up on {url}");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    // Root in a container has no user namespaces for Chromium's sandbox.
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                ],
            }),
        );
        let driver = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("opening a Chromium session: {e}"));
        let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-artifacts");
        std::fs::create_dir_all(&artifacts).expect("target/browser-artifacts");
        Browser {
            driver,
            _chromedriver: child,
            artifacts,
            name: name.to_string(),
        }
    }

    /// Saves a screenshot as `target/browser-artifacts/<name>-<step>.png` and returns its
    /// path (CI keeps the folder as an artifact).
    pub async fn screenshot(&self, step: &str) -> PathBuf {
        let png = self.driver.screenshot().await.expect("a screenshot");
        let path = self.artifacts.join(format!("{}-{step}.png", self.name));
        std::fs::write(&path, png).expect("writing the screenshot");
        path
    }

    /// Evaluates `script` (a function body: `return ...;`) in the page.
    pub async fn eval(&self, script: &str) -> Value {
        self.driver
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("running {script:?} in the page: {e}"))
    }

    /// Waits until `script` returns a truthy value (at most `seconds`), then returns it;
    /// on time out, a screenshot and the page's `extra` state explain the failure.
    pub async fn wait_for(&self, script: &str, seconds: u64, extra: &str) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            let value = self.eval(script).await;
            if !matches!(value, Value::Null | Value::Bool(false)) {
                return value;
            }
            if tokio::time::Instant::now() > deadline {
                let shot = self.screenshot("timeout").await;
                let state = self.eval(extra).await;
                panic!(
                    "timed out waiting for {script:?} (screenshot {}); page state: {state}",
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Clicks the element `css` finds, waiting up to 10 s for it.
    pub async fn click(&self, css: &str) {
        let element = self
            .driver
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} in the page: {e}"));
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Types `text` into the field `css` finds.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self
            .driver
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} in the page: {e}"));
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
    }

    pub async fn close(self) {
        let _ = self.driver.close().await;
    }
}
