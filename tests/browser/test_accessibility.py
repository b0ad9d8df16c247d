"""axe-core on every public page and every form page of each role, plus checks axe cannot do.

Violations of impact "serious" or "critical" fail the test; the moderate and minor ones are
written to test-artifacts/axe-report.json for review.
"""

import json

import pytest

from tests.browser.conftest import (
    ARTIFACTS,
    answer_every_question,
    log_in,
    wait_for_charts,
)

try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    Axe = expect = None

BLOCKING = {"serious", "critical"}

# (name, role or None for anonymous, path); {open}, {finished}, {draft} are process ids.
PAGES = [
    ("home", None, "/"),
    ("processes", None, "/procesos/"),
    ("process", None, "/procesos/{open}"),
    ("finished-process", None, "/procesos/{finished}"),
    ("results", None, "/procesos/{finished}/resultados"),
    ("login", None, "/cuenta/entrar"),
    ("register", None, "/cuenta/registro"),
    ("reset-by-sms", None, "/cuenta/recuperar/telefono"),
    ("privacy", None, "/privacidad"),
    ("receipt-check", None, "/recibos"),
    ("receipt-check-unknown", None, "/recibos"),  # then an unknown code is sent
    ("audit-checkpoints", None, "/transparencia/bitacora/"),
    ("not-found", None, "/no-existe"),
    ("resident-process", "citizen", "/procesos/{open}"),
    ("account", "citizen", "/cuenta/"),
    ("confirm-contact", "citizen", "/cuenta/confirmar"),
    ("council-dashboard", "council", "/consejo/"),
    ("council-open-results", "council", "/procesos/{open}/resultados"),
    ("staff-processes", "staff", "/gestion/procesos/"),
    ("staff-process-form", "staff", "/gestion/procesos/nuevo"),
    ("staff-manage", "staff", "/gestion/procesos/{draft}"),
    ("staff-builder", "staff", "/gestion/procesos/{draft}/cuestionario/"),
    ("staff-preview", "staff", "/gestion/procesos/{draft}/cuestionario/vista-previa"),
    ("staff-rolls", "staff", "/gestion/padron/"),
    ("staff-roll-import", "staff", "/gestion/padron/municipio"),
    ("staff-roll-conflicts", "staff", "/gestion/padron/conflictos"),
    ("staff-background-jobs", "staff", "/gestion/trabajos/"),
    ("staff-desk-search", "staff", "/gestion/mesa-verificacion/?q=Vecina"),
    ("staff-who-takes-part", "staff", "/gestion/procesos/{draft}/participacion"),
    ("admin-users", "admin", "/admin/usuarios"),
    ("admin-territory", "admin", "/admin/territorio/"),
    ("admin-new-account", "admin", "/admin/usuarios/nuevo"),
    ("admin-audit", "admin", "/admin/bitacora"),
]

UNLABELLED_FIELDS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => {
    const text = node => (node?.textContent || '').trim();
    const label = [...(el.labels || [])].some(l => text(l));
    const aria = (el.getAttribute('aria-label') || '').trim();
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    return !(label || aria || ids.some(id => text(document.getElementById(id))));
  })
  .map(el => el.outerHTML.slice(0, 160))"""


@pytest.fixture(scope="session")
def axe_report():
    """Moderate and minor findings of every page, written out at the end of the session."""
    report: dict[str, list] = {}
    yield report
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


def check_axe(page, name: str, report: dict) -> None:
    """Run axe-core; fail on serious or critical violations, record the rest."""
    violations = Axe().run(page).response["violations"]
    blocking, other = [], []
    for v in violations:
        entry = {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [" ".join(map(str, node["target"])) for node in v["nodes"]],
        }
        (blocking if v["impact"] in BLOCKING else other).append(entry)
    if other:
        report[name] = other
        print(f"axe {name}: " + ", ".join(f"{v['id']} ({v['impact']})" for v in other))
    assert not blocking, f"axe found serious problems on {name}:\n" + "\n".join(
        f"  {v['id']} [{v['impact']}] {v['help']}: {v['targets']}" for v in blocking
    )


def check_labels(page) -> None:
    unlabelled = page.evaluate(UNLABELLED_FIELDS)
    assert not unlabelled, f"fields without an accessible label: {unlabelled}"


@pytest.mark.parametrize(("name", "role", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_is_accessible(
    page, logged_in, process_ids, axe_report, viewport, watch, name, role, path
):
    if role:
        logged_in(role)
    if name == "not-found":
        watch.allow(r"status of 404")
    response = page.goto(path.format(**process_ids))
    assert response.status == (404 if name == "not-found" else 200), response.status
    if name == "receipt-check-unknown":
        page.locator("#codigo").fill("AAAA-BBBB-CCCC")
        page.locator("main form button[type=submit]").click()
        page.locator(".flash-error").wait_for()
    if page.locator(".chart").count():
        wait_for_charts(page)
        # Open the data tables too, so axe checks them as a screen-reader user meets them.
        page.locator("details.chart-data").evaluate_all("ds => ds.forEach(d => (d.open = true))")
    check_axe(page, f"{name}[{viewport}]", axe_report)
    check_labels(page)


def test_answer_review_and_receipt_steps_are_accessible(
    page, new_resident, process_ids, axe_report, viewport
):
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    page.goto(f"/procesos/{process_ids['open']}/responder")
    check_axe(page, f"answer-form[{viewport}]", axe_report)
    check_labels(page)

    answer_every_question(page)
    page.locator("button[name=step][value=review]").click()
    expect(page.locator("dl.review")).to_be_visible()
    check_axe(page, f"answer-review[{viewport}]", axe_report)

    page.locator("button[name=step][value=confirm]").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    check_axe(page, f"answer-receipt[{viewport}]", axe_report)


ERRORS_NEXT_TO_FIELDS = """form => {
  const problems = [];
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const errors = ids.map(id => document.getElementById(id))
      .filter(node => node && node.classList.contains('field-error') && node.textContent.trim());
    if (!errors.length) { problems.push(el.id + ': no error text in aria-describedby'); continue; }
    const box = el.closest('.field');
    if (!box || !errors.every(node => box.contains(node))) {
      problems.push(el.id + ': the error is not next to the field');
    }
  }
  return problems;
}"""


def test_registration_errors_are_announced_next_to_each_field(page, watch, axe_report, viewport):
    watch.allow(r"status of 400")  # the form may come back as 400 Bad Request with its errors
    page.goto("/cuenta/registro")
    page.locator("main form button[type=submit]").click()

    expect(page.locator(".error-summary[role=alert]")).to_be_visible()
    invalid = page.locator("main form [aria-invalid='true']")
    # The colonia select starts on its blank "choose" entry, so it is invalid too.
    expected = ["name", "email", "curp", "colonia_id", "password", "confirm", "accept_privacy"]
    assert sorted(invalid.evaluate_all("els => els.map(el => el.id)")) == sorted(expected)
    assert page.locator("main form").evaluate(ERRORS_NEXT_TO_FIELDS) == []
    check_axe(page, f"register-errors[{viewport}]", axe_report)


def test_unanswered_questions_are_announced_on_their_group(
    page, new_resident, process_ids, watch, axe_report, viewport
):
    watch.allow(r"status of 400")  # the form comes back with 400 Bad Request and its errors
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    page.goto(f"/procesos/{process_ids['open']}/responder")
    page.locator("button[name=step][value=review]").click()

    expect(page.locator(".error-summary[role=alert]")).to_be_visible()
    groups = page.locator("form.questionnaire fieldset.has-error")
    assert groups.count() == 4  # single, multiple, scale and yes/no are required
    for group in groups.all():
        described = group.get_attribute("aria-describedby") or ""
        error = group.locator(".field-error")
        expect(error).to_have_count(1)
        assert error.get_attribute("id") in described.split()
        assert error.inner_text().strip()
    check_axe(page, f"answer-errors[{viewport}]", axe_report)


def test_each_chart_has_a_label_and_a_data_table(page, process_ids):
    page.goto(f"/procesos/{process_ids['finished']}/resultados")
    wait_for_charts(page)
    cards = page.locator("figure.chart-card")
    assert cards.count() >= 5
    for card in cards.all():
        chart = card.locator(".chart")
        expect(chart).to_have_attribute("role", "img")
        assert len((chart.get_attribute("aria-label") or "").strip()) > 10
        expect(card.locator("details.chart-data table caption")).to_have_count(1)
        assert card.locator("details.chart-data table tbody tr").count() >= 1
        # Plotly's drawing is hidden from screen readers: the label and table speak for it.
        hidden = card.locator("svg").evaluate_all(
            "svgs => svgs.every(s => s.getAttribute('aria-hidden') === 'true')"
        )
        assert hidden


CHOICE_BOXES = """labels => labels.map(label => {
  const box = label.getBoundingClientRect();
  const group = label.closest('.choices').getBoundingClientRect();
  return {text: label.textContent.trim(), left: box.left - group.left, height: box.height,
          width: box.width, groupWidth: group.width};
})"""


def test_choices_are_large_touch_targets_one_per_line(page, logged_in, process_ids):
    logged_in("citizen")
    page.goto(f"/procesos/{process_ids['open']}/responder")
    boxes = page.locator("form.questionnaire label.choice").evaluate_all(CHOICE_BOXES)
    assert len(boxes) >= 15
    for box in boxes:
        # Each option starts its own line and its whole row can be tapped.
        assert abs(box["left"]) < 1 and box["width"] >= box["groupWidth"] - 1, box
        assert box["height"] >= 44, box
