"""The page of `grpc-convo web`, driven in a real browser (Debian's chromium, headless, through
chromedriver and selenium): a conversation typed a line at a time, each answer seen before the
next line is typed; a server-streaming and a unary method; an upstream failure; a cross-origin
handshake refused. Screenshots at 1280x800 and at a phone's 390x844 go to the directory given.

    browser.py WEB_ADDR KINDS_WEB_ADDR SCREENSHOT_DIR
WEB_ADDR fronts grpc-convo serve; KINDS_WEB_ADDR fronts the kinds test service (with --proto)."""

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
    pick(driver, "Count")
    driver.find_element(By.ID, "field").send_keys("n")
    driver.find_element(By.ID, "line").send_keys("-1", Keys.ENTER)
    status(driver, "INVALID_ARGUMENT")


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
    web, kinds_web, shots = sys.argv[1:]
    for width, height in ((1280, 800), (390, 844)):
        driver = browser(width, height)
        try:
            tutorial(driver, web, f"{shots}/web-{width}x{height}.png")
            if width == 1280:
                kinds(driver, kinds_web)
                cross_origin(driver, web, kinds_web)
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
