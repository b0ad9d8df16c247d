"""The public list of a process's proposals, with its filters, and the same filters on a map."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.core import maps, paging
from participa.proposals import services, supports
from participa.proposals.forms import FilterForm
from participa.proposals.models import Proposal, ProposalStatus
from participa.proposals.views import bp, process_or_404, small_int, status_labels, user_or_none


def _filter_form(process) -> FilterForm:
    form = FilterForm(request.args)
    colonias = services.zone_colonias(process)
    delegaciones = {c.delegacion.id: c.delegacion.name for c in colonias}
    form.zona.choices = (
        [("", _("All"))]
        + [(f"d{i}", name) for i, name in sorted(delegaciones.items(), key=lambda d: d[1])]
        + [(f"c{c.id}", c.name) for c in colonias]
    )
    categories = services.settings_for(process).category_list
    form.categoria.choices = [("", _("All"))] + [(c, c) for c in categories]
    labels = status_labels(process)
    form.estado.choices = [("", _("Any"))] + [
        (s.value, labels[s]) for s in ProposalStatus if s is not ProposalStatus.PENDING
    ]
    return form


def _wanted(form: FilterForm) -> services.ProposalFilter:
    zone = form.zona.data or ""
    status = form.estado.data
    mine = request.args.get("mias") and current_user.is_authenticated
    return services.ProposalFilter(
        search=(form.q.data or "")[:100],
        delegacion_id=small_int(zone[1:]) if zone.startswith("d") else None,
        colonia_id=small_int(zone[1:]) if zone.startswith("c") else None,
        category=form.categoria.data or "",
        status=ProposalStatus(status) if status in set(ProposalStatus) else None,
        sort="supports" if form.orden.data == "apoyos" else "newest",
        author_id=current_user.id if mine else None,
    )


@bp.route("/")
def index(process_id: int):
    process = process_or_404(process_id)
    form = _filter_form(process)
    page = paging.requested_page()
    found, more = services.find_proposals(process, _wanted(form), page)
    paging.beyond_the_end(page, found)
    return render_template(
        "proposals/index.html",
        process=process,
        form=form,
        proposals=found,
        page=page,
        more=more,
        labels=status_labels(process),
        collects=supports.collects_supports(process),
        needed=supports.threshold(process),
        can_propose=services.proposing_problem(process, user_or_none()) is None,
    )


@bp.route("/mapa")
def map_view(process_id: int):
    """The proposals of the list's filters on a map (those with a place), capped."""
    process = process_or_404(process_id)
    form = _filter_form(process)
    query = services.matching(process, _wanted(form))
    located = maps.locate(query, Proposal, maps.marker_cap())
    labels = status_labels(process)
    markers = [
        maps.Marker(
            p.latitude,
            p.longitude,
            p.title,
            url_for(".detail", process_id=process.id, proposal_id=p.id),
            str(labels[p.status]),
        ).as_json()
        for p in located.items
    ]
    return render_template(
        "proposals/map.html", process=process, form=form, located=located, markers=markers
    )
