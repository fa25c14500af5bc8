"""make screenshots: the add-on's screens in the French demo database, as PNG files
in static/description/.

Run by scripts/screenshots/run, which provides the environment: the demo database is
built (or updated) by scripts/demo/run, served by Odoo on a free port, and a headless
Chromium, driven by Playwright, logs in as the French administrator and photographs:

    screenshot_steps.png       Configuration > Facturation > Étapes de relance facture
    screenshot_step_form.png   one step's form
    screenshot_invoice.png     an invoice to remind, tab Autres informations
    screenshot_send.png        Clients > Envoyer les relances, the preview

Nothing is sent: the preview is closed without clicking Send.
"""

import argparse
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from progress import Progress  # noqa: E402

SCRIPTS = Path(__file__).resolve().parent.parent
REPO = SCRIPTS.parent
VIEWPORT = {"width": 1280, "height": 800}
INVOICE_VIEWPORT = {"width": 1280, "height": 960}
# Chromium must not reach out on its own: only the local Odoo answers here.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--no-sandbox",
]
STEPS = 7


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(proc, progress, what, log):
    """Wait for ``proc``, showing the time go by; fail with its log's end."""
    while True:
        try:
            rc = proc.wait(timeout=1)
            break
        except subprocess.TimeoutExpired:
            progress.refresh()
    if rc:
        tail = "".join(Path(log).read_text(errors="replace").splitlines(True)[-30:])
        raise SystemExit(f"{what} failed (exit status {rc}); see {log}\n{tail}")


def serve(db, port, log):
    """Odoo serving ``db`` alone on ``port``, without crons (nothing may change)."""
    return subprocess.Popen(
        [
            "bash",
            str(SCRIPTS / "odoo"),
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--max-cron-threads=0",
            "--workers=0",
            "--log-level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


def wait_for_http(base, server, progress, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"Odoo stopped (exit status {server.returncode})")
        try:
            with urllib.request.urlopen(f"{base}/web/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        progress.refresh()
        time.sleep(1)
    raise SystemExit(f"Odoo did not answer on {base} within {timeout}s")


def invoice_to_show(base, db, login, password):
    """The number of the invoice to photograph: one of the main company's to
    remind, preferably one already reminded once (its level and last reminder date
    both show)."""
    common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common")
    uid = common.authenticate(db, login, password, {})
    if not uid:
        raise SystemExit(f"cannot log in to {db} as {login}")
    models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object")
    user = models.execute_kw(db, uid, password, "res.users", "read", [[uid]], {})[0]
    if user["lang"] != "fr_FR":
        raise SystemExit(f"{login} works in {user['lang']}, not in French")
    company_id = user["company_id"][0]
    domain = [
        ("move_type", "=", "out_invoice"),
        ("company_id", "=", company_id),
        ("reminder_state", "=", "to_do"),
    ]
    for extra in ([("reminder_last_date", "!=", False)], []):
        ids = models.execute_kw(
            db,
            uid,
            password,
            "account.move",
            "search",
            [domain + extra],
            {"limit": 1, "order": "invoice_date_due, id"},
        )
        if ids:
            return models.execute_kw(
                db, uid, password, "account.move", "read", [ids, ["name"]]
            )[0]["name"]
    raise SystemExit(f"no invoice to remind in {db}: did the daily job run?")


def save_png(png_bytes, path):
    """Save a screenshot as a 256-colour PNG: an interface has few colours, and the
    file gets several times smaller."""
    image = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    image = image.quantize(
        colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    image.save(path, optimize=True)
    return path.stat().st_size


class Requests:
    """The page's requests still on their way. Playwright's "networkidle" never
    comes to Odoo's web client, whose bus keeps a connection open."""

    def __init__(self, page):
        self.pending = set()
        page.on("request", self._started)
        page.on("requestfinished", lambda request: self.pending.discard(request))
        page.on("requestfailed", lambda request: self.pending.discard(request))

    def _started(self, request):
        # The bus's worker and its websocket stay open for as long as the page.
        if "/bus/" not in request.url and "/websocket" not in request.url:
            self.pending.add(request)

    def settle(self, page, quiet_ms=500, timeout_ms=60_000):
        """Wait until no request has been on its way for ``quiet_ms``."""
        waited = quiet = 0
        while quiet < quiet_ms:
            if waited > timeout_ms:
                urls = ", ".join(sorted(r.url for r in self.pending))
                raise SystemExit(f"the page kept loading: {urls}")
            page.wait_for_timeout(100)
            waited += 100
            quiet = 0 if self.pending else quiet + 100


def settle(page, requests):
    """Wait until the web client has nothing left to load or draw."""
    requests.settle(page)
    page.wait_for_function(
        "!document.querySelector('.o_blockUI, .o_loading_indicator')"
    )
    page.evaluate("document.fonts.ready")
    # The last repaint after the data arrived (transitions of badges and dialogs).
    page.wait_for_timeout(300)


def shoot(args):
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    logs = Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    saved = []
    with Progress(STEPS, "Demo database (build or update, daily job)") as progress:
        demo_log = logs / f"screenshots-demo-{stamp}.log"
        with open(demo_log, "w") as log:
            demo = subprocess.Popen(
                ["bash", str(SCRIPTS / "demo" / "run")],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=dict(os.environ, REMINDER_DEMO_DB=args.db),
            )
            wait(demo, progress, "make demo", demo_log)

        port = args.port or free_port()
        base = f"http://127.0.0.1:{port}"
        progress.advance(label=f"Serving {args.db} on port {port}")
        server_log = logs / f"screenshots-odoo-{stamp}.log"
        with open(server_log, "w") as log:
            server = serve(args.db, port, log)
        try:
            wait_for_http(base, server, progress)
            invoice = invoice_to_show(base, args.db, args.login, args.password)
            progress.advance(label="Logging in (the first page builds the assets)")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=args.chromium, args=CHROMIUM_ARGS
                )
                try:
                    page = browser.new_page(
                        viewport=VIEWPORT, locale="fr-FR", timezone_id="Europe/Paris"
                    )
                    page.set_default_timeout(
                        int(os.environ.get("SHOOT_TIMEOUT", 120_000))
                    )
                    try:
                        saved = screens(page, base, args, invoice, out, progress)
                    except Exception:
                        failure = logs / f"screenshots-failure-{stamp}.png"
                        page.screenshot(path=failure)
                        print(
                            f"\nThe screen when it failed: {failure}", file=sys.stderr
                        )
                        raise
                finally:
                    browser.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    for path, size in saved:
        print(f"{path.relative_to(REPO)}  {size // 1024} KiB")


def menu(page, section, item):
    """Open the menu item ``item`` of the top menu ``section`` (XML ids)."""
    page.click(f'.o_main_navbar [data-menu-xmlid="{section}"]')
    page.click(f'.dropdown-item[data-menu-xmlid="{item}"]')


def screens(page, base, args, invoice_name, out, progress):
    saved = []
    requests = Requests(page)

    def snap(name, label):
        settle(page, requests)
        path = out / name
        saved.append((path, save_png(page.screenshot(), path)))
        progress.advance(label=label)

    page.goto(f"{base}/web/login")
    page.fill("input[name=login]", args.login)
    page.fill("input[name=password]", args.password)
    page.click("button[type=submit]")
    page.wait_for_selector(".o_main_navbar")
    # Everything through the menus, as a user goes: a page opened by its address
    # leaves the navigation bar on another application.
    page.goto(f"{base}/odoo")
    page.click(".o_navbar_apps_menu button")
    page.click('.o_app[data-menu-xmlid="account.menu_finance"]')
    customers = page.text_content(
        '.o_main_navbar [data-menu-xmlid="account.menu_finance_receivables"]'
    )
    if customers.strip() != "Clients":
        raise SystemExit(
            f"the web client is not in French (a menu reads {customers!r})"
        )
    progress.advance(label="The reminder steps")

    menu(
        page,
        "account.menu_finance_configuration",
        "account_invoice_reminder.account_reminder_step_menu",
    )
    page.wait_for_selector(".o_list_view .o_data_row .o_row_handle")
    snap("screenshot_steps.png", "A step's form")

    page.click('.o_data_row td[name="name"] >> nth=0')
    page.wait_for_selector('.o_form_view div[name="trigger_basis"]')
    snap("screenshot_step_form.png", "An invoice to remind, Autres informations")

    menu(
        page,
        "account.menu_finance_receivables",
        "account.menu_action_move_out_invoice_type",
    )
    page.locator('.o_data_row td[name="name"]', has_text=invoice_name).first.click()
    page.click('.o_notebook a.nav-link[name="other_info"]')
    level = page.wait_for_selector(
        '.o_notebook .tab-pane.active div[name="reminder_level"]'
    )
    # The tabs at the top, so that "Autres informations" shows above the reminder
    # group: a taller screen than the others, or the group would not fit.
    page.set_viewport_size(INVOICE_VIEWPORT)
    level.evaluate("el => el.closest('.o_notebook').scrollIntoView({block: 'start'})")
    snap("screenshot_invoice.png", "The bulk sending's preview")
    page.set_viewport_size(VIEWPORT)

    # Over the invoice list, where the sending starts.
    page.click('.o_breadcrumb a:has-text("Factures clients")')
    page.wait_for_selector(".o_list_view .o_data_row")

    menu(
        page,
        "account.menu_finance_receivables",
        "account_invoice_reminder.account_reminder_send_menu",
    )
    page.wait_for_selector('.modal div[name="line_ids"] .o_data_row')
    snap("screenshot_send.png", "Done")
    # Closed unsent: the preview is a draft that nobody keeps.
    page.click(".modal .modal-footer button.btn-secondary")
    return saved


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", default=os.environ.get("REMINDER_DEMO_DB", "reminder_demo")
    )
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--timeout",
        type=int,
        default=120,
        help="seconds a screen may take to show (the first one builds the assets)",
    )
    parser.add_argument("--out", default=str(REPO / "static" / "description"))
    parser.add_argument("--logs", required=True)
    shoot(parser.parse_args())


if __name__ == "__main__":
    main()
