"""What oversight plugs into other domains: panels and a readiness check on the process
pages of citizen audits and collaborations; citizen findings are reportable (moderation)."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from participa.extensions import db
from participa.moderation import registry
from participa.moderation.registry import Location, Reportable
from participa.oversight import findings, subjects
from participa.oversight import registry as work_registry
from participa.oversight.forms import KIND_LABELS
from participa.oversight.models import Finding, WatchedWork
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component, ProcessStatus


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


@components.on_detail(Component.FINDINGS)
def detail_panel(process, user, today) -> Panel:
    return Panel(
        "oversight/_detail.html",
        {"works": subjects.works(process), "counts": findings.summary(process)},
    )


@components.on_manage(Component.FINDINGS)
@components.on_manage(Component.PLEDGES)
def manage_panel(process) -> Panel:
    """The works and, after them, what domains built on them add (a collaboration's pledges)."""
    return Panel(
        "oversight/_manage.html",
        {
            "works": subjects.works(process),
            "kind_labels": KIND_LABELS,
            "extras": work_registry.staff_sections(process),
        },
    )


@components.on_readiness(Component.FINDINGS)
@components.on_readiness(Component.PLEDGES)
def readiness(process, target: ProcessStatus) -> list:
    """A work or programme to take part on, before announcing or opening."""
    if target not in (ProcessStatus.PUBLISHED, ProcessStatus.OPEN) or subjects.works(process):
        return []
    return [gettext("Add at least one work or programme for residents to take part on.")]
