"""Chart axis labels are readable on a 360 px phone: at least 12 px, level, none on top of
another, none cut off at the chart's edge (participa/core/charts.py, LAYOUT and `wrap`)."""

import pytest

from tests.browser.conftest import wait_for_charts

TICKS = """charts => charts.flatMap((chart, index) => {
  const frame = chart.getBoundingClientRect();
  return [...chart.querySelectorAll('g[class$="tick"] > text')]
    .filter(t => t.textContent.trim() !== '' && t.getBoundingClientRect().width > 0)
    .map(t => {
      const box = t.getBoundingClientRect();
      return {chart: index, axis: t.parentNode.getAttribute('class'), text: t.textContent,
              size: parseFloat(getComputedStyle(t).fontSize),
              transform: t.getAttribute('transform') || '',
              left: box.left - frame.left, right: box.right - frame.left,
              top: box.top, bottom: box.bottom, width: frame.width};
    });
})"""


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    """Pairs of labels of one axis of one chart whose boxes cross (1 px of slack)."""
    found = []
    for n, a in enumerate(labels):
        for b in labels[n + 1 :]:
            if (a["chart"], a["axis"]) != (b["chart"], b["axis"]):
                continue
            apart = (
                a["right"] <= b["left"] + 1
                or b["right"] <= a["left"] + 1
                or a["bottom"] <= b["top"] + 1
                or b["bottom"] <= a["top"] + 1
            )
            if not apart:
                found.append((a["text"], b["text"]))
    return found


PAGES = {
    "consultation-results": (None, "/procesos/{finished}/resultados"),
    "public-works": (None, "/obras/"),
    "council-dashboard": ("council", "/consejo/tablero/escuchados"),
}


def check_labels(page) -> None:
    wait_for_charts(page)
    labels = page.locator(".chart.chart-ready").evaluate_all(TICKS)
    assert labels, "the charts have axis labels"
    small = [(t["text"], t["size"]) for t in labels if t["size"] < 12]
    assert not small, f"labels under 12 px: {small}"
    slanted = [t["text"] for t in labels if "rotate" in t["transform"]]
    assert not slanted, f"slanted labels: {slanted}"
    assert not overlapping(labels), overlapping(labels)
    cut = [t["text"] for t in labels if t["left"] < -1 or t["right"] > t["width"] + 1]
    assert not cut, f"labels cut at the chart's edge: {cut}"


@pytest.mark.parametrize("name", list(PAGES))
def test_axis_labels_are_readable_and_apart(page, logged_in, process_ids, viewport, name):
    role, path = PAGES[name]
    if role:
        logged_in(role)
    page.goto(path.format(**process_ids))
    check_labels(page)


def test_a_works_follow_up_charts_are_readable(page, viewport):
    page.goto("/obras/")
    with page.expect_navigation():
        page.locator(".priorities-table tbody tr a").first.click()
    check_labels(page)
