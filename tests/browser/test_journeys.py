"""What residents, staff and the council do, in Chromium, on a phone and on a desktop.

Selectors use ids, hrefs and form values rather than visible words, so the journeys hold
whether the Spanish catalog is compiled or not.
"""

import random
import re
from datetime import date

from participa.demo.people import make_curp
from tests.browser.conftest import (
    FINISHED_TITLE,
    OPEN_TITLE,
    answer_every_question,
    log_in,
    spanish_catalog,
    wait_for_charts,
)
from tests.browser.test_contact import confirm_email

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

RECEIPT = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
LOGOUT = ".site-header form[action$='/cuenta/salir'] button"


def test_resident_registers_answers_and_checks_receipt(page, live_server):
    page.goto("/")
    page.locator(".site-header a[href$='/cuenta/registro']").click()
    page.locator("#name").fill("Rosa Pérez López")
    email = f"rosa{random.randrange(10**9)}@prueba.mx"
    page.locator("#email").fill(email)
    page.locator("#curp").fill(make_curp(random.Random(), date(1991, 8, 23), "M"))
    page.locator("#colonia_id").select_option(label="Centro")
    page.locator("#password").fill("una-clave-larga")
    page.locator("#confirm").fill("una-clave-larga")
    page.locator("#accept_privacy").check()
    page.locator("main form button[type=submit]").click()

    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(LOGOUT)).to_have_count(1)
    confirm_email(page, live_server, email)  # the demo's processes ask for a confirmed contact

    page.locator(".brand").click()
    page.locator(".card .h3 a", has_text=OPEN_TITLE).click()
    page.locator("main a[href$='/responder']").click()
    expect(page.locator("form.questionnaire")).to_be_visible()
    answer_every_question(page)
    page.locator("button[name=step][value=review]").click()

    expect(page.locator("dl.review dt")).to_have_count(6)
    expect(page.locator("dl.review dd em")).to_have_count(0)  # no "No answer"
    page.locator("button[name=step][value=confirm]").click()

    code = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT.fullmatch(code), code

    page.locator(".site-footer a[href$='/recibos']").click()
    page.locator("#codigo").fill(code)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text(OPEN_TITLE)
    expect(page.locator(".flash-error")).to_have_count(0)


def test_staff_builds_publishes_and_opens_a_consultation(page, live_server, viewport):
    staff = live_server.accounts["staff"]
    title = f"Consulta sobre el mercado municipal ({viewport})"
    log_in(page, staff.email, staff.password)

    page.locator(".site-header a[href$='/gestion/procesos/']").click()
    page.locator("main a[href$='/gestion/procesos/nuevo']").click()
    page.locator("#type").select_option("consulta_ciudadana")
    page.locator("#title").fill(title)
    page.locator("#description").fill("¿Qué día y a qué hora debe abrir el mercado?")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".badge-draft")).to_be_visible()
    manage_url = page.url
    process_id = int(re.search(r"/gestion/procesos/(\d+)$", manage_url).group(1))

    page.locator("main a.button[href$='/cuestionario/']").click()
    adding = page.locator("section.panel form")
    page.locator("#kind").select_option("single")
    page.locator("#text").fill("¿Qué día prefieres?")
    page.locator("#options").fill("Sábado\nDomingo\nMiércoles")
    adding.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".question-list > li.card")).to_have_count(1)

    page.locator("#kind").select_option("scale")
    page.locator("#text").fill("¿Qué tan limpio está el mercado?")
    adding.locator("button[type=submit]").click()
    expect(page.locator(".question-list > li.card")).to_have_count(2)
    expect(page.locator(".question-list li.card li")).to_have_count(3)  # the three options

    page.locator(f"main a[href$='/gestion/procesos/{process_id}']").click()
    page.locator("form:has(input[name=target][value=published]) button").click()
    expect(page.locator(".badge-published")).to_be_visible()
    page.locator("form:has(input[name=target][value=open]) button").click()
    expect(page.locator(".badge-open")).to_be_visible()

    page.locator(f"main a[href$='/procesos/{process_id}']").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main .badge-open")).to_be_visible()

    page.goto("/procesos/?estado=abiertos")
    card = page.locator(".card", has=page.locator(f"a[href$='/procesos/{process_id}']"))
    expect(card.locator(".badge-open")).to_be_visible()


def test_council_reads_charts_of_finished_consultation(page, live_server):
    council = live_server.accounts["council"]
    log_in(page, council.email, council.password)

    page.locator(".site-header a[href$='/consejo/']").click()
    page.locator("nav.section-menu li#consultations a").click()  # the dashboard's menu
    expect(page.locator("main #consultations-table")).to_be_visible()
    page.locator("main #consultations-table a", has_text=FINISHED_TITLE).click()

    expect(page.locator("h1")).to_contain_text(FINISHED_TITLE)
    count = wait_for_charts(page)
    assert count >= 5  # five chart questions, then turnout by colonia, age band and sex
    for chart in page.locator(".chart").all():
        expect(chart.locator("svg.main-svg").first).to_be_attached()
    # Figures come from JSON blocks, never from inline scripts (the CSP forbids them).
    inline = page.locator("script:not([src]):not([type='application/json'])")
    expect(inline).to_have_count(0)


def test_language_switch_to_english_and_back(page, live_server):
    page.goto("/")
    html = page.locator("html")
    processes_link = page.locator(".site-header a[href$='/procesos/']")
    expect(html).to_have_attribute("lang", "es-MX")
    spanish_word = processes_link.inner_text()

    page.locator(".site-footer button[name=lang][value=en]").click()
    expect(html).to_have_attribute("lang", "en")
    expect(processes_link).to_have_text("Processes")
    expect(page.locator(".site-footer button[value=en]")).to_have_attribute("aria-current", "true")

    page.locator(".site-footer button[name=lang][value=es_MX]").click()
    expect(html).to_have_attribute("lang", "es-MX")
    expect(processes_link).to_have_text(spanish_word)
    if spanish_catalog():
        assert spanish_word != "Processes", "the Spanish catalog does not translate the menu"


# --- Keyboard only -----------------------------------------------------------------------


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def enter_and_wait(page) -> None:
    """Press Enter on a link or a submit button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def focused(page, script: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def test_keyboard_only_resident_answers(page, live_server, new_resident):
    resident = new_resident()
    page.goto("/")
    tab_to(page, ".site-header a[href$='/cuenta/entrar']")
    enter_and_wait(page)
    tab_to(page, "#email")
    page.keyboard.type(resident.email)
    page.keyboard.press("Tab")
    page.keyboard.type(resident.password)
    enter_and_wait(page)
    expect(page.locator(LOGOUT)).to_have_count(1)

    tab_to(page, f".card .h3 a[href$='/procesos/{live_server.process_id(OPEN_TITLE)}']")
    enter_and_wait(page)
    tab_to(page, "main a[href$='/responder']")
    enter_and_wait(page)
    expect(page.locator("form.questionnaire")).to_be_visible()

    groups = page.locator("form.questionnaire > fieldset, form.questionnaire > .field")
    kinds = []
    for group in groups.all():
        if group.locator("input[type=radio]").count():
            kinds.append(("radio", group.locator("input[type=radio]").first.get_attribute("name")))
        elif group.locator("input[type=checkbox]").count():
            kinds.append(("checkbox", group.locator("input").first.get_attribute("name")))
        elif group.locator("select").count():
            kinds.append(("ranking", group.locator("select").count()))
        else:
            kinds.append(("text", group.locator("textarea").get_attribute("name")))
    assert [k for k, _ in kinds] == ["radio", "checkbox", "ranking", "radio", "radio", "text"]

    for number, (kind, detail) in enumerate(kinds):
        if kind == "radio":
            tab_to(page, f"input[name='{detail}']")
            # Arrow keys move through a radio group and choose; Space chooses the focused one.
            page.keyboard.press("ArrowDown" if number == 0 else "Space")
            if number == 3:
                page.keyboard.press("ArrowRight")
                page.keyboard.press("ArrowRight")
            assert focused(page, "el.checked"), f"question {number + 1} not chosen"
        elif kind == "checkbox":
            tab_to(page, f"input[name='{detail}']")
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            page.keyboard.press("Space")
        elif kind == "ranking":
            tab_to(page, ".rank-select")
            for position in range(1, detail + 1):
                page.keyboard.press(str(position))
                assert focused(page, "el.value") == str(position)
                if position < detail:
                    page.keyboard.press("Tab")
        else:
            tab_to(page, f"textarea[name='{detail}']")
            page.keyboard.type("Que arreglen los baches.")

    assert page.locator("input[type=checkbox]:checked").count() == 2
    assert page.locator("input[type=radio]:checked").count() == 3
    tab_to(page, "button[name=step][value=review]")
    enter_and_wait(page)

    expect(page.locator("dl.review dt")).to_have_count(6)
    expect(page.locator("dl.review dd em")).to_have_count(0)
    expect(page.locator("dl.review")).to_contain_text("Que arreglen los baches.")
    tab_to(page, "button[name=step][value=confirm]")
    enter_and_wait(page)

    expect(page.locator("#receipt-code")).to_have_text(RECEIPT)


def outline_of_focused(page) -> dict:
    return focused(
        page,
        "{tag: el.tagName, style: getComputedStyle(el).outlineStyle, "
        "width: getComputedStyle(el).outlineWidth}",
    )


def test_focus_is_visible_on_links_buttons_and_inputs(page, live_server):
    page.goto("/cuenta/entrar")
    page.keyboard.press("Tab")
    assert focused(page, "el.classList.contains('skip-link')")
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link stays off screen on focus"

    for selector in ("main a[href*='/cuenta/registro']", "main button[type=submit]", "#email"):
        page.goto("/cuenta/entrar")
        tab_to(page, selector)
        outline = outline_of_focused(page)
        assert outline["style"] != "none" and outline["width"] != "0px", (selector, outline)
