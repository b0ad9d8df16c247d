"""Demo of the office's own year: the meeting with the mayor and directors with commitments
on two priorities (one overdue), a FAIS liaison meeting with the FAIS files of the FAIS works,
and a consejo social of San Juan with a meeting and a pledge to the cancha's roof."""

from datetime import date, timedelta

from flask import current_app

from participa.administration import fais, meetings
from participa.administration.models import CommitmentStatus, FaisIncidence, MeetingKind
from participa.collaboration.models import PledgeKind
from participa.collaboration.pledges import PledgeData
from participa.core.timeutil import utcnow
from participa.core.uploads import photo_folder
from participa.extensions import db
from participa.oversight.models import WatchedWork
from participa.social_councils import services as social
from participa.territory.models import Colonia
from participa.works.followup import FOLLOWED
from participa.works.models import Funding, Work

MAYOR_MEETING = (
    "Presidente municipal\nDirección de Obras Públicas\nDirección de Agua Potable\n"
    "Tesorería municipal\nJefatura de Participación Ciudadana"
)
LIAISON = (
    "Enlace municipal del FAIS (Tesorería)\nDirección de Obras Públicas\n"
    "Jefatura de Participación Ciudadana"
)


def _mayor_meeting(staff, today: date) -> None:
    priorities = list(
        db.session.execute(
            db.select(Work).where(Work.status.in_(FOLLOWED)).order_by(Work.id).limit(2)
        ).scalars()
    )
    if len(priorities) < 2:
        return
    data = meetings.MeetingData(
        MeetingKind.MAYOR_DIRECTORS, today - timedelta(days=25), "Despacho de Presidencia",
        MAYOR_MEETING, "Las direcciones presentarán avances en cada sesión mensual del consejo.",
    )  # fmt: skip
    meeting = meetings.create_meeting(staff, data, today, utcnow())
    first, second = priorities
    late = meetings.add_commitment(staff, meeting, meetings.CommitmentData(
        first.id, first.directorate or "Obras Públicas",
        "Entregar el proyecto ejecutivo y el catálogo de conceptos al consejo.",
        today - timedelta(days=5),
    ))  # fmt: skip
    meetings.follow_up(staff, late, today - timedelta(days=10),
                       "El proyecto está en revisión de la Tesorería.", CommitmentStatus.OPEN,
                       today)  # fmt: skip
    meetings.add_commitment(staff, meeting, meetings.CommitmentData(
        second.id, second.directorate or "Servicios Públicos",
        "Iniciar la licitación de la obra.", today + timedelta(days=30),
    ))  # fmt: skip


def _fais(staff, today: date) -> None:
    data = meetings.MeetingData(
        MeetingKind.FAIS_LIAISON, today - timedelta(days=15), "Tesorería municipal", LIAISON,
        "Se validan en la MIDS las obras de agua potable; el resto espera el informe anual.",
    )  # fmt: skip
    meetings.create_meeting(staff, data, today, utcnow())
    query = db.select(Work).where(Work.funding == Funding.FAIS).order_by(Work.id)
    for work in db.session.execute(query).scalars():
        cost = work.estimated_cost
        fais.save_fais(staff, work, fais.FaisData(
            FaisIncidence.DIRECTA, work.fais_category, cost, cost * 8 // 10, cost // 2,
        ), utcnow())  # fmt: skip


def _social_council(staff, today: date) -> None:
    colonia = db.session.execute(db.select(Colonia).where(Colonia.name == "San Juan")).scalar()
    site = db.session.execute(
        db.select(WatchedWork).where(WatchedWork.name == "Techado de la cancha de San Juan")
    ).scalar()
    if colonia is None:
        return
    council = social.create_council(staff, "Consejo social de San Juan", colonia.id, "")
    for name, role in (("Rosa Medina", "Presidenta"), ("Julián Ortega", "Secretario"),
                       ("Lupita Sánchez", "Vocal")):  # fmt: skip
        social.add_member(staff, council, name, role, "")
    social.record_meeting(staff, council, social.MeetingData(
        today - timedelta(days=8), 14,
        "Se acordó aportar mano de obra para el techado de la cancha y convocar a los vecinos.",
    ), photo_folder(current_app.instance_path, social.AREA), today)  # fmt: skip
    if site is not None:
        social.pledge(staff, council, site.id, PledgeData(PledgeKind.LABOUR, 120,
                      note="Faenas de los sábados"), utcnow())  # fmt: skip


def demo_administration(staff, today: date) -> None:
    _mayor_meeting(staff, today)
    _fais(staff, today)
    _social_council(staff, today)
