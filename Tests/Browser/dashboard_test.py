#!/usr/bin/env python3
"""The web dashboard in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by
Selenium, against a real `provernet devnet` that this script starts and stops.

It waits until the dashboard shows the devnet's two provers and its demo request done; submits a new request
from the CLI, for a circuit named `<img src=x onerror=alert(1)>`, and checks that it appears without a reload
and that the name is shown as text; checks that the browser's console has no error; and saves a screenshot
of each page in --out. Exit status 0 when every check passed, 1 otherwise (what failed is printed).

    Tests/Browser/dashboard_test.py --provernet .build/debug/provernet --out DIR
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HOSTILE_NAME = "<img src=x onerror=alert(1)>"


class Devnet:
    """`provernet devnet` in the background; its standard output collected line by line."""

    def __init__(self, provernet, directory):
        self.lines = []
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            [provernet, "devnet", "--dir", directory, "--provers", "2", "--jobs", "3", "--constraints", "1000",
             "--no-aggregation"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern, timeout):
        """The first match of `pattern` in a line of output, waiting up to `timeout` seconds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                for line in self.lines:
                    match = re.search(pattern, line)
                    if match:
                        return match
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"devnet printed no line matching {pattern!r}; output:\n" + "\n".join(self.lines))

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100",
                     "--disable-gpu", "--no-first-run", "--disable-extensions"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Debian's chromedriver: Selenium Manager downloads nothing when it is given.
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(options=options, service=service)


def run_cli(provernet, environment, *arguments):
    result = subprocess.run([provernet, *arguments], env=environment, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"provernet {' '.join(arguments)} failed: {result.stdout} {result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--provernet", required=True)
    parser.add_argument("--out", required=True, help="where the screenshots go")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failures = []

    def check(condition, what):
        print(("ok      " if condition else "FAILED  ") + what, flush=True)
        if not condition:
            failures.append(what)

    directory = tempfile.mkdtemp(prefix="provernet-browser-")
    devnet = Devnet(args.provernet, directory)
    driver = None
    try:
        url = devnet.wait_for(r"^dashboard\s+(http://\S+)", 180).group(1)
        print(f"dashboard at {url}", flush=True)
        driver = browser()
        wait = WebDriverWait(driver, 240, poll_frequency=0.25)
        driver.get(url + "#provers")
        driver.execute_script("window.__loadedOnce = 'yes';")

        def online_provers(d):
            return d.find_elements(By.CSS_SELECTOR, "tr[data-prover-state='idle'], tr[data-prover-state='proving']")

        wait.until(lambda d: len(online_provers(d)) == 2)
        check(len(online_provers(driver)) == 2, "the dashboard shows the two provers online")
        driver.save_screenshot(os.path.join(args.out, "provers.png"))

        # The demo request, done.
        match = devnet.wait_for(r"^request (\S+): done", 300)
        demo = match.group(1)
        driver.get(url + "#requests")  # a new page load, once, before the live part
        driver.execute_script("window.__loadedOnce = 'yes';")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f".request[data-request-id='{demo}'][data-request-state='done']"))
        check(True, f"the dashboard shows the demo request {demo} done")

        # A request submitted from the CLI, for a circuit with a hostile name, appears without a reload.
        exports = devnet.wait_for(
            r"export PROVERNET_GATEWAY=(\S+) PROVERNET_CA=(\S+) PROVERNET_API_KEY_FILE=(\S+)", 60)
        # The devnet's client key (DIR/keys/client.key), as its "where to look next" lines say.
        environment = dict(os.environ, PROVERNET_GATEWAY=exports.group(1), PROVERNET_CA=exports.group(2),
                           PROVERNET_API_KEY_FILE=exports.group(3))
        circuit = run_cli(args.provernet, environment, "circuit", "register", "--name", HOSTILE_NAME,
                          "--synthetic-constraints", "100")
        circuit_id = circuit.get("circuit_id") or circuit.get("circuitID")
        inputs = os.path.join(directory, "browser-inputs.json")
        with open(inputs, "w") as f:
            json.dump([{"x": "3", "y": "4"}, {"x": "5", "y": "6"}], f)
        submitted = run_cli(args.provernet, environment, "submit", "--circuit", circuit_id, "--inputs", inputs)
        request = submitted["request_id"]
        selector = f".request[data-request-id='{request}']"
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))
        check(driver.execute_script("return window.__loadedOnce") == "yes",
              "the new request appeared without a reload of the page")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, selector + "[data-request-state='done']"))
        check(True, f"the new request {request} is shown done")
        # Read in one script: the page redraws every second, so an element found a moment ago may be gone.
        names = driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent)", selector + " .circuit")
        check(names == [HOSTILE_NAME], f"the hostile circuit name is shown as text (shows {names!r})")
        check(driver.execute_script("return document.querySelectorAll('main img').length") == 0,
              "no <img> element was made from the name")
        driver.save_screenshot(os.path.join(args.out, "requests.png"))

        driver.execute_script("location.hash = '#network'")
        time.sleep(1.5)  # a few more snapshots: the proofs-per-second chart gets points
        driver.save_screenshot(os.path.join(args.out, "network.png"))
        tiles = driver.execute_script(
            "return document.querySelector(\"[data-tile='provers-online'] .value\").textContent")
        check(tiles == "2", f"the network page counts 2 provers online (shows {tiles!r})")
        check(driver.execute_script("return document.querySelectorAll('#price-chart svg path.line').length") > 0,
              "the network page draws the clearing price as an SVG chart")
        driver.execute_script("location.hash = '#auctions'")
        time.sleep(0.5)
        driver.save_screenshot(os.path.join(args.out, "auctions.png"))
        rounds = driver.execute_script(
            "return [...document.querySelectorAll('.round')].filter((e) => e.offsetParent !== null).length")
        check(rounds > 0, "the auctions page shows rounds")
        check(driver.execute_script("return window.__loadedOnce") == "yes", "moving between pages does not reload")

        errors = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        for entry in errors:
            print("console error:", entry.get("message"), flush=True)
        check(not errors, "the browser's console has no error")
    except (WebDriverException, RuntimeError) as error:
        failures.append(f"{type(error).__name__}: {error}")
        print("FAILED ", failures[-1], flush=True)
        if driver is not None:
            driver.save_screenshot(os.path.join(args.out, "failure.png"))
            with open(os.path.join(args.out, "failure.html"), "w") as f:
                f.write(driver.page_source)
    finally:
        if driver is not None:
            driver.quit()
        devnet.stop()
        with open(os.path.join(args.out, "devnet.log"), "w") as f:
            f.write("\n".join(devnet.lines) + "\n")
    print(f"screenshots in {args.out}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
