"""Pledged and delivered totals per work and per colonia, summed in the database."""

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from participa.collaboration.models import Delivery, Pledge, PledgeKind
from participa.core.charts import MUTED, PRIMARY, Chart, base_figure, wrap
from participa.core.numbers import money
from participa.extensions import db
from participa.oversight.models import WatchedWork
from participa.territory.models import Colonia


@dataclass(frozen=True)
class Line:
    """One kind of help (pesos, hours, or a material in a unit): pledged and delivered."""

    kind: PledgeKind
    material: str
    unit: str
    pledged: int
    delivered: int


KIND_ORDER = {PledgeKind.MONEY: 0, PledgeKind.LABOUR: 1, PledgeKind.MATERIALS: 2}


def _grouped(process, key) -> dict:
    """{group: [Line]} for `key` (a Pledge column), cancelled pledges left out."""
    columns = (key, Pledge.kind, Pledge.material, Pledge.unit)
    live = (WatchedWork.process_id == process.id, Pledge.cancelled_at.is_(None))
    pledged = (
        db.select(*columns, func.sum(Pledge.quantity))
        .join(WatchedWork, Pledge.work_id == WatchedWork.id)
        .where(*live)
        .group_by(*columns)
    )
    delivered = (
        db.select(*columns, func.sum(Delivery.quantity))
        .join(Pledge, Delivery.pledge_id == Pledge.id)
        .join(WatchedWork, Pledge.work_id == WatchedWork.id)
        .where(*live)
        .group_by(*columns)
    )
    given = {tuple(row[:4]): row[4] for row in db.session.execute(delivered)}
    found: dict = {}
    for group, kind, material, unit, total in db.session.execute(pledged):
        line = Line(kind, material, unit, total, given.get((group, kind, material, unit), 0))
        found.setdefault(group, []).append(line)
    for lines in found.values():
        lines.sort(key=lambda line: (KIND_ORDER[line.kind], line.material.casefold(), line.unit))
    return found


def by_work(process) -> dict[int, list[Line]]:
    return _grouped(process, Pledge.work_id)


def by_colonia(process) -> dict[int | None, list[Line]]:
    return _grouped(process, Pledge.colonia_id)


def by_colonia_named(process) -> list[tuple[str, list[Line]]]:
    """Totals per colonia as (name, lines), by name; pledges without colonia last, as ""."""
    names = {cid: name for cid, name in db.session.execute(db.select(Colonia.id, Colonia.name))}
    named = [(names.get(key, ""), lines) for key, lines in by_colonia(process).items()]
    return sorted(named, key=lambda item: (not item[0], item[0].casefold()))


def pledge_counts(process) -> dict[int, int]:
    """Live pledges per work."""
    query = (
        db.select(Pledge.work_id, func.count())
        .join(WatchedWork)
        .where(WatchedWork.process_id == process.id, Pledge.cancelled_at.is_(None))
        .group_by(Pledge.work_id)
    )
    return {work_id: n for work_id, n in db.session.execute(query)}


def _pesos(n: int) -> str:
    return money(n)


def money_chart(works: list[WatchedWork], totals: dict[int, list[Line]]) -> Chart | None:
    """Pesos pledged and delivered per work; None while nobody pledged money."""
    money = {
        w.id: next((line for line in totals.get(w.id, ()) if line.kind is PledgeKind.MONEY), None)
        for w in works
    }
    shown = [w for w in works if money[w.id] is not None]
    if not shown:
        return None
    labels = [wrap(w.name) for w in shown]
    pledged = [money[w.id].pledged for w in shown]
    delivered = [money[w.id].delivered for w in shown]
    traces = [
        {"type": "bar", "orientation": "h", "name": str(_l("Pledged")), "x": pledged,
         "y": labels, "marker": {"color": MUTED}, "hoverinfo": "x+y+name"},
        {"type": "bar", "orientation": "h", "name": str(_l("Delivered")), "x": delivered,
         "y": labels, "marker": {"color": PRIMARY}, "hoverinfo": "x+y+name"},
    ]  # fmt: skip
    figure = base_figure(
        traces,
        max(200, 70 * len(labels) + 110),
        barmode="group",
        showlegend=True,
        legend={"orientation": "h", "y": -0.15},
        yaxis={"autorange": "reversed"},
    )
    rows = tuple(
        (w.name, _pesos(p), _pesos(d)) for w, p, d in zip(shown, pledged, delivered, strict=True)
    )
    return Chart(
        "pledges-money",
        _l("Money pledged and delivered per work"),
        figure,
        (_l("Work or programme"), _l("Pledged"), _l("Delivered")),
        rows,
        _l(
            "%(pledged)s pledged and %(delivered)s delivered in all.",
            pledged=_pesos(sum(pledged)),
            delivered=_pesos(sum(delivered)),
        ),
    )


CSV_HEADER = (
    "pledge_id", "work", "kind", "quantity", "material", "unit", "delivered", "person",
    "account", "colonia", "note", "created_at", "cancelled_at",
)  # fmt: skip


def csv_rows(pledges) -> Iterator[tuple]:
    """The staff export: one line per pledge, with the person's name (never public)."""
    yield CSV_HEADER
    for item in pledges:
        yield (
            item.id,
            item.work.name,
            item.kind.value,
            item.quantity,
            item.material,
            item.unit,
            item.delivered,
            item.person,
            "sí" if item.user_id else "no",
            item.colonia.name if item.colonia else "",
            item.note,
            item.created_at.isoformat(),
            item.cancelled_at.isoformat() if item.cancelled_at else "",
        )


def money_by_linked_work(work_ids) -> dict[int, tuple[int, int, int]]:
    """Per council work (`WatchedWork.work_id`): pesos pledged, pesos delivered and live
    pledges of any kind, over every subject linked to it, in every process."""
    ids = list(work_ids)
    live = (WatchedWork.work_id.in_(ids), Pledge.cancelled_at.is_(None))
    money = Pledge.kind == PledgeKind.MONEY
    pledged = (
        db.select(
            WatchedWork.work_id,
            func.coalesce(func.sum(Pledge.quantity).filter(money), 0),
            func.count(Pledge.id),
        )
        .join(WatchedWork, Pledge.work_id == WatchedWork.id)
        .where(*live)
        .group_by(WatchedWork.work_id)
    )
    delivered = (
        db.select(WatchedWork.work_id, func.sum(Delivery.quantity))
        .join(Pledge, Delivery.pledge_id == Pledge.id)
        .join(WatchedWork, Pledge.work_id == WatchedWork.id)
        .where(*live, money)
        .group_by(WatchedWork.work_id)
    )
    given = dict(db.session.execute(delivered).all())
    return {
        work_id: (int(total), int(given.get(work_id) or 0), count)
        for work_id, total, count in db.session.execute(pledged)
    }
