"""The page of `grpc-convo web`, driven in a real browser (Debian's chromium, headless, through
chromedriver and selenium): a conversation typed a line at a time, each answer seen before the
next line is typed; a server-streaming and a unary method; an upstream failure; a cross-origin
handshake refused. Screenshots at 1280x800 and at a phone's 390x844 go to the directory given.

    browser.py WEB_ADDR KINDS_WEB_ADDR KV_WEB_ADDR SCREENSHOT_DIR
WEB_ADDR fronts grpc-convo serve; KINDS_WEB_ADDR fronts the kinds test service and KV_WEB_ADDR
the key-value store (examples/kv.proto: bytes keys, int64 leases, no string field in a Put),
both with --proto. A real API's first hour: a whole request from the page's template, a
two-field line typed with Tab between the fields, a watch cancelled from the page."""

import json

import sys

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

LIMIT = 20  # seconds for anything to show; only a broken page ever waits that long


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


def browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    # Headless windows are no narrower than 500 pixels: a phone's viewport is emulated.
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    return driver


def rows(driver, kind):
    return [row.text for row in driver.find_elements(By.CSS_SELECTOR, f"#log .{kind} .x")]


def wait_for(driver, what, check):
    try:
        return WebDriverWait(driver, LIMIT).until(lambda d: check(d))
    except Exception:
        fail(f"{what}: not seen; the log shows {rows(driver, 'answer')} {driver.find_element(By.ID, 'status').text!r}")


def pick(driver, method):
    search = driver.find_element(By.ID, "search")
    wait_for(driver, "the method list", lambda d: d.find_elements(By.CSS_SELECTOR, "#methods li"))
    search.clear()
    search.send_keys(method, Keys.ENTER)
    wait_for(driver, f"{method} chosen", lambda d: method in d.find_element(By.ID, "method-name").text)


def converse(driver, lines, answers_after):
    """Types each line, and waits for the answers it should have brought before the next."""
    line = driver.find_element(By.ID, "line")
    for text, want in zip(lines, answers_after):
        line.send_keys(text, Keys.ENTER)
        wait_for(driver, f"answer {want!r}", lambda d: want in rows(d, "answer"))


def status(driver, code):
    wait_for(driver, f"status {code}", lambda d: d.find_element(By.ID, "status").text.startswith(code))


def tutorial(driver, addr, shot):
    driver.get(f"http://{addr}/")
    pick(driver, "Conversations")
    answers = [f"from stream server answer: the {n} question is {q}" for n, q in enumerate(["one", "two", "three"], 1)]
    converse(driver, ["one", "two", "three"], answers)
    driver.find_element(By.ID, "end").click()
    status(driver, "OK")
    if rows(driver, "answer") != answers:
        fail(f"answers {rows(driver, 'answer')}")
    driver.save_screenshot(shot)


def kinds(driver, addr):
    driver.get(f"http://{addr}/")
    # A Reply is more than its text: its field named, or it shows whole as JSON.
    answer_field = driver.find_element(By.ID, "answer-field")
    pick(driver, "Feed")
    answer_field.clear()
    answer_field.send_keys("said")
    converse(driver, ["x"], ["feed 3: x"])
    pick(driver, "kinds.Kinds/Echo")
    answer_field.clear()
    answer_field.send_keys("said")
    converse(driver, ["a", "b"], ["a", "b"])
    driver.find_element(By.ID, "end").click()
    status(driver, "OK")
    # The JSON template from the descriptor: a nested message filled in, an enum by name.
    driver.find_element(By.ID, "json-in").click()
    template = json.loads(driver.find_element(By.ID, "request").get_attribute("value"))
    if template.get("meta") != {"note": "", "level": 0} or template.get("mood") != "CALM":
        fail(f"the Echo template is {template}")
    driver.find_element(By.ID, "json-in").click()
    pick(driver, "Count")
    driver.find_element(By.ID, "field").send_keys("n")
    driver.find_element(By.ID, "line").send_keys("-1", Keys.ENTER)
    status(driver, "INVALID_ARGUMENT")


def kv(driver, addr, shot):
    driver.get(f"http://{addr}/")
    wait_for(driver, "the method list", lambda d: d.find_elements(By.CSS_SELECTOR, "#methods li"))
    offered = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#methods li")]
    if any("Conversations" in m for m in offered):
        fail(f"a page in front of the store offers the tutorial's method: {offered}")
    # A whole request: the template from the descriptor, its bytes in base64 as protobuf JSON.
    pick(driver, "store.KV/Put")
    driver.find_element(By.ID, "json-in").click()
    box = driver.find_element(By.ID, "request")
    template = json.loads(box.get_attribute("value"))
    if template != {"key": "", "value": "", "lease": "0"}:
        fail(f"the Put template is {template}")
    box.clear()
    box.send_keys(json.dumps({"key": "Z3JlZXRpbmc=", "value": "aGVsbG8=", "lease": "0"}))
    driver.find_element(By.ID, "send").click()
    wait_for(driver, "the Put's answer", lambda d: any('"revision"' in a for a in rows(d, "answer")))
    driver.find_element(By.ID, "end").click()
    status(driver, "OK")
    # Two fields a line: Tab between them in the question box.
    driver.find_element(By.ID, "again").click()
    driver.find_element(By.ID, "json-in").click()
    driver.find_element(By.ID, "field").send_keys("key value")
    driver.find_element(By.ID, "answer-field").send_keys("header.revision")
    line = driver.find_element(By.ID, "line")
    line.send_keys("greeting", Keys.TAB, "hello, world", Keys.ENTER)
    wait_for(driver, "a revision", lambda d: any(a.isdigit() for a in rows(d, "answer")))
    driver.find_element(By.ID, "end").click()
    status(driver, "OK")
    pick(driver, "store.KV/Range")
    driver.find_element(By.ID, "field").send_keys("prefix")
    driver.find_element(By.ID, "answer-field").send_keys("kvs.key kvs.value")
    driver.find_element(By.ID, "separator").send_keys(": ")
    converse(driver, ["greeting"], ["greeting: hello, world"])
    # A watch stays open until cancelled from the page, which says so.
    pick(driver, "store.KV/Watch")
    driver.find_element(By.ID, "field").send_keys("create_request.key")
    driver.find_element(By.ID, "line").send_keys("greeting", Keys.ENTER)
    wait_for(driver, "the watch's first answer", lambda d: rows(d, "answer"))
    driver.find_element(By.ID, "cancel").click()
    status(driver, "CANCELLED")
    driver.save_screenshot(shot)


def cross_origin(driver, page, other):
    """A page of another origin (the other gateway) cannot open this gateway's socket."""
    driver.get(f"http://{other}/")
    outcome = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
           const socket = new WebSocket(arguments[0]);
           socket.onopen = () => done("opened");
           socket.onerror = () => done("refused");""",
        f"ws://{page}/ws",
    )
    if outcome != "refused":
        fail(f"a cross-origin handshake was {outcome}")


def main():
    web, kinds_web, kv_web, shots = sys.argv[1:]
    for width, height in ((1280, 800), (390, 844)):
        driver = browser(width, height)
        try:
            tutorial(driver, web, f"{shots}/web-{width}x{height}.png")
            kv(driver, kv_web, f"{shots}/web-kv-{width}x{height}.png")
            if width == 1280:
                kinds(driver, kinds_web)
                cross_origin(driver, web, kinds_web)
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
