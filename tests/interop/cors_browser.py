"""serve's gRPC-Web and Connect from a page on another origin, in a real browser (Debian's
chromium, headless, through chromedriver and selenium): with serve --allow-origin naming the
page's origin, fetch() calls a unary method in JSON, a Connect GET, and a server stream; with
another origin allowed, or none, the browser is refused (its preflight gets 403).

    cors_browser.py GRPC_CONVO EXAMPLES_DIR"""

import http.server
import subprocess
import sys
import threading

from selenium import webdriver

CALL = """
const [url, init, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
fetch(url, init)
  .then(async (r) => done(r.status + " " + new TextDecoder().decode(await r.arrayBuffer())))
  .catch((e) => done("refused: " + e));
"""


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


def page_server():
    """An origin of its own: a blank page on a port of its own."""

    class Blank(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(b"<!doctype html><title>another origin</title>")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Blank)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def serve(binary, examples, origins):
    args = [binary, "serve", "--addr", "127.0.0.1:0", "--proto", f"{examples}/calc.proto",
            "--method", "calc.Calc/Eval", "--method", "calc.Calc/Count"]
    for origin in origins:
        args += ["--allow-origin", origin]
    process = subprocess.Popen(args + ["--", f"{examples}/calc.sh"], stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    if not line.startswith("listening on "):
        fail(f"serve said {line!r}")
    process.log = []
    threading.Thread(target=lambda: process.log.extend(process.stderr), daemon=True).start()
    return process, "http://" + line.removeprefix("listening on ").strip()


def calls(driver, base):
    json_post = {"method": "POST", "headers": {"content-type": "application/json"},
                 "body": '{"text":"6*7"}'}
    stream = {"method": "POST", "headers": {"content-type": "application/connect+json"},
              "body": [0, 0, 0, 0, 12] + list(b'{"text":"3"}')}
    get = base + "/calc.Calc/Eval?connect=v1&encoding=json&message=%7B%22text%22%3A%222%2B2%22%7D"
    stream_script = CALL.replace("fetch(url, init)",
                                 "fetch(url, {...init, body: new Uint8Array(init.body)})")
    return [
        driver.execute_async_script(CALL, base + "/calc.Calc/Eval", json_post),
        driver.execute_async_script(CALL, get, {}),
        driver.execute_async_script(stream_script, base + "/calc.Calc/Count", stream),
    ]


def main():
    binary, examples = sys.argv[1], sys.argv[2]
    page = page_server()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
    driver.set_script_timeout(20)
    servers = []
    try:
        driver.get(page + "/")
        allowed, base = serve(binary, examples, [page])
        servers.append(allowed)
        got = calls(driver, base)
        if got[0] != '200 {"result":"42"}' or got[1] != '200 {"result":"4"}':
            fail(f"the allowed page's unary calls gave {got[:2]}")
        for n in "123":
            if f'{{"result":"{n}"}}' not in got[2] or not got[2].startswith("200 "):
                fail(f"the allowed page's stream gave {got[2]!r}")
        for origins in ([], ["http://app.example"]):
            refused, base = serve(binary, examples, origins)
            servers.append(refused)
            got = calls(driver, base)
            if not all(answer.startswith("refused: ") for answer in got):
                fail(f"a page allowed by {origins or 'nothing'} got {got}")
            # Refused before any call began: not even the GET, which needs no preflight, ran.
            opened = [line for line in refused.log if "conversation opened" in line]
            if opened:
                fail(f"a refused page's call ran: {opened}")
        print(f"from {page}: unary, GET and a stream allowed; refused without --allow-origin")
    finally:
        driver.quit()
        for process in servers:
            process.kill()


if __name__ == "__main__":
    main()
