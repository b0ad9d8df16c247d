"""The public search page: GET /buscar?q= (and ?tipo= for one kind, ?pagina= to page it)."""

from flask import Blueprint, render_template, request

from participa.core import paging
from participa.core.limits import per_ip
from participa.search import services

bp = Blueprint("search", __name__)


@bp.route("/buscar")
@per_ip("RATELIMIT_SEARCH", "search", methods=("GET",))
def results():
    query = request.args.get("q", "").strip()
    kind = services.BY_KEY.get(request.args.get("tipo", ""))
    page = paging.requested_page() if kind else 1
    context = {"query": query, "kind": kind, "page": page, "kinds": services.KINDS}
    if not query:
        return render_template("search/results.html", **context)
    try:
        words = services.words_of(query)
    except services.BadQuery as error:  # a clear message on the page, as any empty search
        return render_template("search/results.html", problem=error.message, **context)
    if kind is None:
        return render_template("search/results.html", groups=services.overview(words), **context)
    group = services.one_kind(kind, words, page)
    paging.beyond_the_end(page, group.hits)
    return render_template("search/results.html", groups=[group], **context)
