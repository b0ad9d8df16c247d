"""What oversight plugs into other domains: citizen findings are reportable (moderation)."""

from flask_babel import lazy_gettext as _l

from participa.extensions import db
from participa.moderation import registry
from participa.moderation.registry import Location, Reportable
from participa.oversight.models import Finding, WatchedWork


def _locate(finding: Finding) -> Location:
    work = db.session.get(WatchedWork, finding.work_id)
    link = f"/procesos/{work.process_id}/obras/{work.id}#finding-{finding.id}"
    return Location(work.process_id, link)


def _show_again(finding: Finding) -> None:
    finding.hidden_at = None  # staff may also have hidden it from its oversight page


registry.register(
    Reportable(
        name="finding",
        model=Finding,
        path="hallazgos",
        label=_l("Citizen finding"),
        locate=_locate,
        subject=lambda finding: finding.title,
        on_restore=_show_again,
    )
)
