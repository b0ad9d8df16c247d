"""The mechanisms of the office's plan (eleven, and trainings), their statuses and components."""

import enum

from flask_babel import lazy_gettext as _l


class ProcessType(enum.StrEnum):
    CONSULTA = "consulta_ciudadana"
    PRESUPUESTO = "presupuesto_participativo"
    INICIATIVA = "iniciativa_ciudadana"
    PROYECTOS_SOCIALES = "proyectos_sociales"
    AYUNTAMIENTO_ABIERTO = "ayuntamiento_abierto"
    COMPARECENCIA = "comparecencia_publica"
    AUDIENCIA = "audiencia_publica"
    DEBATE = "debate_publico"
    ASAMBLEA = "asamblea_ciudadana"
    AUDITORIA = "auditoria_ciudadana"
    COLABORACION = "colaboracion_popular"
    CAPACITACION = "capacitacion"


TYPE_LABELS = {
    ProcessType.CONSULTA: _l("Citizen consultation"),
    ProcessType.PRESUPUESTO: _l("Participatory budgeting"),
    ProcessType.INICIATIVA: _l("Citizen initiative"),
    ProcessType.PROYECTOS_SOCIALES: _l("Social projects"),
    ProcessType.AYUNTAMIENTO_ABIERTO: _l("Open town hall"),
    ProcessType.COMPARECENCIA: _l("Public appearance of officials"),
    ProcessType.AUDIENCIA: _l("Public hearing"),
    ProcessType.DEBATE: _l("Public debate and opinion forums"),
    ProcessType.ASAMBLEA: _l("Citizen assembly"),
    ProcessType.AUDITORIA: _l("Citizen audit"),
    ProcessType.COLABORACION: _l("Popular collaboration"),
    ProcessType.CAPACITACION: _l("Training"),
}

# One Lucide icon per mechanism (static/vendor/lucide/sprite.svg), also the name of its
# illustration (static/img/mechanisms/<icon>.svg); decorative: the label names the mechanism.
TYPE_ICONS = {
    ProcessType.CONSULTA: "clipboard-check",
    ProcessType.PRESUPUESTO: "piggy-bank",
    ProcessType.INICIATIVA: "lightbulb",
    ProcessType.PROYECTOS_SOCIALES: "lightbulb",
    ProcessType.AYUNTAMIENTO_ABIERTO: "landmark",
    ProcessType.COMPARECENCIA: "landmark",
    ProcessType.AUDIENCIA: "landmark",
    ProcessType.DEBATE: "megaphone",
    ProcessType.ASAMBLEA: "users",
    ProcessType.AUDITORIA: "file-search",
    ProcessType.COLABORACION: "hand-heart",
    ProcessType.CAPACITACION: "graduation-cap",
}


class Component(enum.StrEnum):
    QUESTIONNAIRE = "questionnaire"
    PROJECTS = "projects"
    PB_BALLOT = "pb_ballot"
    PROPOSALS = "proposals"
    SUPPORTS = "supports"
    EVENT = "event"
    FINDINGS = "findings"
    PLEDGES = "pledges"


# Each type switches on its default components (DESIGN.md); the domain that owns a component
# adds its panels and checks through processes/components.py.
COMPONENTS: dict[ProcessType, tuple[Component, ...]] = {
    ProcessType.CONSULTA: (Component.QUESTIONNAIRE,),
    ProcessType.PRESUPUESTO: (Component.PROJECTS, Component.PB_BALLOT),
    ProcessType.INICIATIVA: (Component.PROPOSALS, Component.SUPPORTS),
    ProcessType.PROYECTOS_SOCIALES: (Component.PROPOSALS,),
    ProcessType.AYUNTAMIENTO_ABIERTO: (Component.EVENT,),
    ProcessType.COMPARECENCIA: (Component.EVENT,),
    ProcessType.AUDIENCIA: (Component.EVENT,),
    # The questionnaire first: its panel ("answer the consultation") leads the process pages.
    ProcessType.DEBATE: (Component.QUESTIONNAIRE, Component.EVENT),
    ProcessType.ASAMBLEA: (Component.EVENT,),
    ProcessType.AUDITORIA: (Component.FINDINGS,),
    ProcessType.COLABORACION: (Component.PLEDGES,),
    ProcessType.CAPACITACION: (Component.EVENT,),
}


class ProcessStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    OPEN = "open"
    CLOSED = "closed"
    RESULTS_PUBLISHED = "results_published"
    ARCHIVED = "archived"


STATUS_LABELS = {
    ProcessStatus.DRAFT: _l("Draft"),
    ProcessStatus.PUBLISHED: _l("Announced"),
    ProcessStatus.OPEN: _l("Open"),
    ProcessStatus.CLOSED: _l("Closed"),
    ProcessStatus.RESULTS_PUBLISHED: _l("Results published"),
    ProcessStatus.ARCHIVED: _l("Archived"),
}

# The lifecycle: which status may follow which. "published" may go back to draft while
# nobody has taken part yet, to fix a mistake before opening.
TRANSITIONS: dict[ProcessStatus, tuple[ProcessStatus, ...]] = {
    ProcessStatus.DRAFT: (ProcessStatus.PUBLISHED,),
    ProcessStatus.PUBLISHED: (ProcessStatus.OPEN, ProcessStatus.DRAFT),
    ProcessStatus.OPEN: (ProcessStatus.CLOSED,),
    ProcessStatus.CLOSED: (ProcessStatus.RESULTS_PUBLISHED,),
    ProcessStatus.RESULTS_PUBLISHED: (ProcessStatus.ARCHIVED,),
    ProcessStatus.ARCHIVED: (),
}

TRANSITION_LABELS = {
    (ProcessStatus.DRAFT, ProcessStatus.PUBLISHED): _l("Publish announcement"),
    (ProcessStatus.PUBLISHED, ProcessStatus.OPEN): _l("Open participation"),
    (ProcessStatus.PUBLISHED, ProcessStatus.DRAFT): _l("Back to draft"),
    (ProcessStatus.OPEN, ProcessStatus.CLOSED): _l("Close participation"),
    (ProcessStatus.CLOSED, ProcessStatus.RESULTS_PUBLISHED): _l("Publish results"),
    (ProcessStatus.RESULTS_PUBLISHED, ProcessStatus.ARCHIVED): _l("Archive"),
}

# Opening and closing, named for what each mechanism opens ("Open voting"), so the button says
# the action in the office's words; a type not listed here keeps TRANSITION_LABELS.
OPEN_CLOSE_LABELS: dict[ProcessType, tuple] = {
    ProcessType.CONSULTA: (_l("Open the consultation"), _l("Close the consultation")),
    ProcessType.PRESUPUESTO: (_l("Open voting"), _l("Close voting")),
    ProcessType.INICIATIVA: (_l("Open signature collection"), _l("Close signature collection")),
    ProcessType.PROYECTOS_SOCIALES: (_l("Open proposals"), _l("Close proposals")),
    ProcessType.AUDITORIA: (_l("Open reports"), _l("Close reports")),
    ProcessType.COLABORACION: (_l("Open pledges"), _l("Close pledges")),
    ProcessType.DEBATE: (_l("Open the debate"), _l("Close the debate")),
    ProcessType.ASAMBLEA: (_l("Open the assembly"), _l("Close the assembly")),
}


def transition_label(kind: ProcessType, current: ProcessStatus, target: ProcessStatus):
    """The button that moves a process of type `kind` from `current` to `target`."""
    if kind in OPEN_CLOSE_LABELS and target in (ProcessStatus.OPEN, ProcessStatus.CLOSED):
        opening, closing = OPEN_CLOSE_LABELS[kind]
        return opening if target is ProcessStatus.OPEN else closing
    return TRANSITION_LABELS[(current, target)]


PUBLIC_STATUSES = frozenset(ProcessStatus) - {ProcessStatus.DRAFT}
RESULTS_PUBLIC_STATUSES = frozenset({ProcessStatus.RESULTS_PUBLISHED, ProcessStatus.ARCHIVED})


class ScopeKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    DELEGACIONES = "delegaciones"
    COLONIAS = "colonias"


SCOPE_LABELS = {
    ScopeKind.MUNICIPALITY: _l("Whole municipality"),
    ScopeKind.DELEGACIONES: _l("Some delegaciones"),
    ScopeKind.COLONIAS: _l("Some colonias"),
}
