"""The first text of the public guide pages: residents' rights and one page per mechanism.

Content, not interface: written in plain Spanish as staff would, and theirs to edit from
/gestion/guias. They describe the Jalisco participation law in general terms and quote no
article numbers: each municipality's regulation sets its own thresholds and deadlines.
"""

from dataclasses import dataclass

from participa.processes.types import ProcessType

RIGHTS_SLUG = "derechos"


@dataclass(frozen=True)
class DefaultPage:
    slug: str
    process_type: str | None
    title: str
    body: str


RIGHTS = DefaultPage(
    RIGHTS_SLUG,
    None,
    "Tus derechos de participación ciudadana",
    """En Jalisco, la ley de participación ciudadana y el reglamento de tu municipio reconocen \
que las personas que viven aquí pueden intervenir en las decisiones públicas. Entre tus derechos:

- **Ser informada o informado**: conocer los procesos de participación, sus reglas, fechas y \
resultados.
- **Opinar y proponer**: responder consultas, presentar proyectos e iniciativas, y hacer \
preguntas a las autoridades en audiencias y comparecencias.
- **Decidir**: votar en el presupuesto participativo y en los mecanismos que lo permitan.
- **Vigilar**: dar seguimiento a obras y programas, y participar en auditorías ciudadanas.
- **Recibir respuesta**: las autoridades deben contestar tus propuestas y solicitudes en los \
plazos que fija el reglamento.
- **Participar sin discriminación**: sin importar tu edad, sexo, origen, condición económica \
o discapacidad. Pide apoyo en la oficina si lo necesitas.

Los requisitos (edad mínima, número de firmas, plazos) dependen del reglamento municipal y de \
cada proceso; en la página de cada proceso se indican los que aplican.

La Jefatura de Participación Ciudadana te orienta y asesora sin costo.""",
)

MECHANISMS = {
    ProcessType.CONSULTA: (
        "Consulta ciudadana",
        "El gobierno municipal pregunta a las y los vecinos su opinión sobre un tema o una "
        "obra. Para participar, responde el cuestionario en línea o en una mesa de la "
        "oficina mientras la consulta esté abierta. Tus respuestas son anónimas y recibes un "
        "código para comprobar que se contaron.",
    ),
    ProcessType.PRESUPUESTO: (
        "Presupuesto participativo",
        "Una parte del presupuesto se decide con el voto de la población. Primero se "
        "proponen proyectos, el área técnica revisa que sean viables y después votas por los "
        "que prefieras. Los proyectos ganadores se ejecutan y puedes seguir su avance.",
    ),
    ProcessType.INICIATIVA: (
        "Iniciativa ciudadana",
        "Puedes presentar una propuesta de reglamento o de acción de gobierno. Si reúne el "
        "número de apoyos (firmas) que fija el proceso, el gobierno debe estudiarla y darte "
        "una respuesta oficial.",
    ),
    ProcessType.PROYECTOS_SOCIALES: (
        "Proyectos sociales",
        "Grupos de vecinos presentan proyectos propios para su colonia. La oficina los "
        "revisa y responde; algunos pueden pasar al presupuesto participativo o a las "
        "prioridades del consejo.",
    ),
    ProcessType.AYUNTAMIENTO_ABIERTO: (
        "Ayuntamiento abierto",
        "Una sesión del ayuntamiento en la que la población puede tomar la palabra. "
        "Regístrate antes, envía tu pregunta o tema y acude en la fecha indicada.",
    ),
    ProcessType.COMPARECENCIA: (
        "Comparecencia pública",
        "Una funcionaria o funcionario explica su trabajo ante la población y responde "
        "preguntas. Puedes enviar preguntas antes y apoyar las de otras personas.",
    ),
    ProcessType.AUDIENCIA: (
        "Audiencia pública",
        "Un encuentro para plantear directamente a las autoridades un problema o una "
        "petición. Regístrate, envía tu tema y acude; se levanta un acta con los acuerdos.",
    ),
    ProcessType.DEBATE: (
        "Debate público y foros de opinión",
        "Espacios para conversar sobre un tema con distintas posturas. Puedes comentar en "
        "línea y asistir al foro; las conclusiones se publican.",
    ),
    ProcessType.ASAMBLEA: (
        "Asamblea ciudadana",
        "Reunión de vecinas y vecinos para tratar asuntos de su colonia. Se registra la "
        "asistencia, se vota a mano alzada y los acuerdos quedan en un acta.",
    ),
    ProcessType.AUDITORIA: (
        "Auditoría ciudadana",
        "Vecinas y vecinos vigilan una obra o un programa público: registran hallazgos con "
        "evidencias y el gobierno debe responder cada uno.",
    ),
    ProcessType.COLABORACION: (
        "Colaboración popular",
        "Puedes aportar dinero, materiales o trabajo para una obra prioritaria de tu colonia. "
        "Tu aportación se registra y se publica cómo se cumplió.",
    ),
    ProcessType.CAPACITACION: (
        "Capacitación",
        "Cursos y talleres para conocer los mecanismos de participación y cómo usarlos. "
        "Regístrate en el evento y acude en la fecha indicada.",
    ),
}

HOW_TO = "\n\n**Cómo participar:** entra a la sección Procesos, elige uno abierto de este tipo y \
sigue las indicaciones. Si no tienes internet, acude a la Jefatura de Participación Ciudadana."


def default_pages() -> list[DefaultPage]:
    """The rights page first, then one page per mechanism in the order of the process types."""
    mechanisms = [
        DefaultPage(kind.value.replace("_", "-"), kind.value, title, body + HOW_TO)
        for kind, (title, body) in MECHANISMS.items()
    ]
    return [RIGHTS, *mechanisms]
