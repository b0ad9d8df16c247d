"""Real-browser fixtures: a live server on a seeded database, Debian's Chromium, two viewports.

Every test here is marked `browser`. Without Chromium or Playwright they skip with the reason,
unless PARTICIPA_REQUIRE_BROWSER=1 (CI), where they fail instead. Each page collects console
errors, uncaught exceptions, server errors (5xx) and requests that leave 127.0.0.1; a test
with any of them fails. Journeys leave a full-page screenshot in test-artifacts/screenshots/.
"""

import os
import random
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import get_timezone
from werkzeug.serving import WSGIRequestHandler, make_server

from participa import create_app
from participa.auth.models import Role
from participa.auth.services import create_account
from participa.budgets.models import BallotRule, PbBallot, PbProject, ProjectStatus
from participa.consultations.models import Option, Question, QuestionKind
from participa.core.timeutil import local_today
from participa.demo.people import make_curp
from participa.demo.seed import seed
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.territory.models import Colonia
from tests.conftest import ON_POSTGRES, TEST_CONFIG, postgres_url, schema_options
from tests.tiles import TILE_PATH, serve_tiles

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("PARTICIPA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HASH_METHOD = "pbkdf2:sha256:1000"
RESIDENT_PASSWORD = "contraseña-segura"
OPEN_TITLE = "¿Qué obras necesita tu colonia en 2027?"
FINISHED_TITLE = "Consulta sobre movilidad y espacio público 2026"
DRAFT_TITLE = "Borrador de consulta para el constructor"
VIEWPORTS = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
REQUIRED = os.environ.get("PARTICIPA_REQUIRE_BROWSER") == "1"
PROBLEMS = pytest.StashKey[list]()
REPORT = pytest.StashKey[dict]()


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"Playwright is not installed ({error})"
    if not Path(CHROMIUM).exists():
        return f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def _in_this_folder(item) -> bool:
    return Path(str(item.path)).resolve().is_relative_to(HERE)


def pytest_collection_modifyitems(config, items):
    problem = browser_problem()
    for item in items:
        if not _in_this_folder(item):
            continue
        item.add_marker(pytest.mark.browser)
        if problem and not REQUIRED:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {problem}"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(REPORT, {})[report.when] = report
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test whose pages logged errors, even when its own assertions passed."""
    result = yield
    found = item.stash.get(PROBLEMS, [])
    if found:
        raise AssertionError("the browser reported problems:\n  " + "\n  ".join(found))
    return result


# --- The live server ---------------------------------------------------------------------


@dataclass
class LiveServer:
    app: object
    base_url: str
    accounts: dict  # role value -> DemoAccount(role, email, password)
    hits: list = field(default_factory=list)  # (method, path with query) the server answered

    def process_id(self, title: str) -> int:
        with self.app.app_context():
            return db.session.execute(
                db.select(Process.id).where(Process.title == title)
            ).scalar_one()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):  # errors are still logged
        pass


def _compile_catalogs() -> None:
    """Compile the .po catalogs that have no fresh .mo yet (`make` normally does it)."""
    for po in (ROOT / "participa" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=True)


def spanish_catalog() -> bool:
    return (ROOT / "participa/translations/es_MX/LC_MESSAGES/messages.mo").exists()


def _recording(app, hits: list):
    def middleware(environ, start_response):
        query = environ.get("QUERY_STRING")
        hits.append(
            (environ["REQUEST_METHOD"], environ["PATH_INFO"] + (f"?{query}" if query else ""))
        )
        return app(environ, start_response)

    return middleware


def _draft_consultation() -> None:
    """A draft consultation with one question, for the staff builder pages."""
    process = Process(type=ProcessType.CONSULTA, status=ProcessStatus.DRAFT, title=DRAFT_TITLE)
    db.session.add(process)
    db.session.flush()
    question = Question(
        process_id=process.id, kind=QuestionKind.SINGLE, text="¿Qué prefieres?", position=1
    )
    question.options = [Option(label="Opción A", position=0), Option(label="Opción B", position=1)]
    db.session.add(question)
    db.session.commit()


@pytest.fixture(scope="session")
def live_database(tmp_path_factory):
    """Settings of the live server's own database: a SQLite file, or a PostgreSQL schema."""
    if not ON_POSTGRES:
        path = tmp_path_factory.mktemp("live") / "participa.db"
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
        return
    url = postgres_url()
    schema = f"live_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": schema_options(schema)}
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def tile_server() -> str:
    """A local tile server (nothing leaves the machine); its origin, e.g. http://127.0.0.1:N."""
    with serve_tiles() as origin:
        yield origin


@pytest.fixture(scope="session")
def live_server(live_database, tmp_path_factory, tile_server):
    """The app with real CSRF on a seeded database of its own, served on a free localhost port.

    No PUBLIC_URL: links in its mails follow the served host and port, as in development; its
    mails go to an outbox folder of its own (tests/mailbox.py reads it)."""
    _compile_catalogs()
    config = {
        **TEST_CONFIG,
        "PUBLIC_URL": None,
        "MAIL_OUTBOX": str(tmp_path_factory.mktemp("live-outbox")),
        "WTF_CSRF_ENABLED": True,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "MAP_TILE_URL": tile_server + TILE_PATH,
        **live_database,
    }
    app = create_app(config)
    with app.app_context():
        db.create_all()
        with app.test_request_context():
            today = local_today(get_timezone())
        accounts = seed(today, responses=300, hash_method=HASH_METHOD)
        _draft_consultation()
    hits: list = []
    server = make_server(
        "127.0.0.1", 0, _recording(app, hits), threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            app=app,
            base_url=f"http://127.0.0.1:{server.server_port}",
            accounts={a.role.value: a for a in accounts},
            hits=hits,
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


PB_TITLE = "Presupuesto participativo de prueba"
PB_PROJECTS = [  # (title, cost): the first three together go over the $1,000,000 amount
    ("Parque lineal del arroyo", 400_000),
    ("Banquetas en la calle Hidalgo", 350_000),
    ("Luminarias en la unidad deportiva", 300_000),
    ("Rampas en el centro de salud", 200_000),
    ("Huerto comunitario", 150_000),
]


@pytest.fixture(scope="session")
def pb_knapsack(live_server) -> dict[str, int]:
    """An open PB process with a $1,000,000 knapsack ballot of PB_PROJECTS; its ids."""
    with live_server.app.app_context():
        process = Process(
            type=ProcessType.PRESUPUESTO,
            status=ProcessStatus.OPEN,
            title=PB_TITLE,
            description="Elige las obras de tu municipio.",
        )
        db.session.add(process)
        db.session.flush()
        ballot = PbBallot(
            process_id=process.id,
            name="Todo el municipio",
            amount=1_000_000,
            rule=BallotRule.KNAPSACK,
            min_choices=1,
            min_share_percent=0,
        )
        ballot.projects = [
            PbProject(
                title=title,
                description="Obra propuesta por vecinas y vecinos.",
                category="Espacio público",
                estimated_cost=cost,
                cost=cost,
                status=ProjectStatus.FEASIBLE,
            )
            for title, cost in PB_PROJECTS
        ]
        db.session.add(ballot)
        db.session.commit()
        return {"process": process.id, "ballot": ballot.id}


@dataclass(frozen=True)
class Resident:
    email: str
    password: str
    curp: str


@pytest.fixture
def new_resident(live_server):
    """Make a fresh resident of Centro who has answered nothing yet."""

    def make() -> Resident:
        rng = random.Random()
        birth = date(1985 + rng.randint(0, 15), 6, 12)
        curp = make_curp(rng, birth, "M")
        email = f"vecina-{uuid.uuid4().hex[:10]}@prueba.mx"
        with live_server.app.app_context():
            colonia = db.session.execute(db.select(Colonia).where(Colonia.name == "Centro"))
            create_account(
                name="Vecina de Prueba",
                email=email,
                password=RESIDENT_PASSWORD,
                role=Role.CITIZEN,
                hash_method=HASH_METHOD,
                curp=curp,
                birth_date=birth,
                sex="M",
                colonia_id=colonia.scalar_one().id,
                email_confirmed_at=datetime.now(UTC),
            )
            db.session.commit()
        return Resident(email, RESIDENT_PASSWORD, curp)

    return make


# --- The browser and its pages -----------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    problem = browser_problem()
    if problem:
        if REQUIRED:
            pytest.fail(f"PARTICIPA_REQUIRE_BROWSER=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as error:
            if REQUIRED:
                pytest.fail(f"Chromium did not start: {error}", pytrace=False)
            pytest.skip(f"Chromium did not start: {error}")
        yield browser
        browser.close()


class PageWatch:
    """What went wrong in the browser: console errors, page errors, 5xx, foreign requests."""

    def __init__(self, local_host: str, *also_local: str):
        self.local_hosts = {local_host, *also_local}  # the app, and the map tiles' stub
        self.problems: list[str] = []
        self.allowed: list[re.Pattern] = []
        self.foreign: list[str] = []

    def allow(self, pattern: str) -> None:
        """Accept console errors matching `pattern` (e.g. the 400 of a form with errors)."""
        self.allowed.append(re.compile(pattern))

    def console(self, message) -> None:
        if message.type == "error" and not any(p.search(message.text) for p in self.allowed):
            self.problems.append(f"console error: {message.text} at {message.location}")

    def page_error(self, error) -> None:
        self.problems.append(f"uncaught exception: {error}")

    def request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc not in self.local_hosts:
            self.foreign.append(request.url)
            self.problems.append(f"request left 127.0.0.1: {request.url}")

    def response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"server error {response.status}: {response.url}")


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def context(browser, live_server, viewport):
    context = browser.new_context(
        base_url=live_server.base_url,
        locale="es-MX",
        timezone_id="America/Mexico_City",
        **VIEWPORTS[viewport],
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def watch(live_server, tile_server, request) -> PageWatch:
    watch = PageWatch(urlsplit(live_server.base_url).netloc, urlsplit(tile_server).netloc)
    request.node.stash[PROBLEMS] = watch.problems
    return watch


@pytest.fixture
def page(context, watch, viewport, request):
    page = context.new_page()
    page.on("console", watch.console)
    page.on("pageerror", watch.page_error)
    page.on("request", watch.request)
    page.on("response", watch.response)
    yield page
    reports = request.node.stash.get(REPORT, {})
    failed = any(r.failed for r in reports.values())
    if failed or request.node.module.__name__.endswith("test_journeys"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = f"{request.node.originalname}-{viewport}.png"
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    page.close()


# --- Helpers for tests -------------------------------------------------------------------


def log_in(page, email: str, password: str) -> None:
    """Log in through the form, as a person would (from any page)."""
    page.goto("/cuenta/entrar")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".site-header form[action$='/cuenta/salir']").count() == 1, page.url


@pytest.fixture(scope="session")
def session_cookies() -> dict[str, list]:
    return {}


@pytest.fixture
def logged_in(page, context, live_server, session_cookies):
    """Start the page's session as the demo account of `role` (logs in once per session)."""

    def as_role(role: str) -> None:
        account = live_server.accounts[role]
        if account.email in session_cookies:
            context.add_cookies(session_cookies[account.email])
        else:
            log_in(page, account.email, account.password)
            session_cookies[account.email] = context.cookies()

    return as_role


@pytest.fixture(scope="session")
def process_ids(live_server) -> dict[str, int]:
    """Ids of the demo's open and finished consultations and of the draft one made here."""
    titles = {"open": OPEN_TITLE, "finished": FINISHED_TITLE, "draft": DRAFT_TITLE}
    return {key: live_server.process_id(title) for key, title in titles.items()}


# charts.js draws a chart when it comes near the screen: bring each one there in turn (the
# observer may miss a chart scrolled past within one frame), then back to the top.
SCROLL_TO_CHARTS = """async () => {
  const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
  for (const chart of document.querySelectorAll('.chart')) {
    if (chart.closest('details:not([open])')) { continue; }
    chart.scrollIntoView({block: 'center'});
    for (let i = 0; i < 60 && !chart.hasAttribute('data-chart-queued'); i++) { await frame(); }
  }
  window.scrollTo(0, 0);
}"""


def wait_for_charts(page) -> int:
    """Scroll to every chart and wait until Plotly drew each; return how many there are.

    Charts inside a closed <details> are drawn when it opens: open it first to count them."""
    count = page.evaluate(
        "() => [...document.querySelectorAll('.chart')]"
        ".filter(c => !c.closest('details:not([open])')).length"
    )
    assert count > 0, "no charts on the page"
    page.evaluate(SCROLL_TO_CHARTS)
    page.wait_for_function(
        "n => document.querySelectorAll('.chart.chart-ready svg').length >= n "
        "&& document.querySelectorAll('.chart.chart-ready').length === n",
        arg=count,
        timeout=20_000,
    )
    return count


def answer_every_question(page) -> None:
    """Answer each question of the open consultation's form with pointer and typing."""
    form = page.locator("form.questionnaire")
    for group in form.locator(":scope > fieldset, :scope > .field").all():
        radios = group.locator("input[type=radio]")
        boxes = group.locator("input[type=checkbox]")
        selects = group.locator("select")
        if radios.count():
            radios.last.check()
        elif boxes.count():
            boxes.nth(0).check()
            boxes.nth(1).check()
        elif selects.count():
            for position, select in enumerate(selects.all(), start=1):
                select.select_option(str(position))
        else:
            group.locator("textarea").fill("Más luminarias en la calle Hidalgo, por favor.")
