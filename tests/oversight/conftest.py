"""Fixtures for oversight and collaboration: a territory, people, processes and works."""

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from participa.auth.models import Role
from participa.core.uploads import photo_folder
from participa.extensions import db
from participa.oversight.models import WatchedWork, WorkKind
from participa.processes.types import ProcessStatus, ProcessType
from tests.factories import login


def jpeg(size=(40, 30), color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


@dataclass
class World:
    colonias: dict
    resident: object
    neighbour: object
    staff: object
    audit: object
    collab: object
    work: WatchedWork  # watched by `audit`
    other: WatchedWork  # watched by `audit`
    site: WatchedWork  # receives pledges in `collab`
    folder: object


def add_work(process, name, **fields) -> WatchedWork:
    work = WatchedWork(process_id=process.id, name=name, kind=fields.pop("kind", WorkKind.WORK))
    for key, value in fields.items():
        setattr(work, key, value)
    db.session.add(work)
    db.session.commit()
    return work


@pytest.fixture
def world(app, make, tmp_path) -> World:
    app.instance_path = str(tmp_path / "instance")  # photos go here, not to the real instance
    colonias = make.territory()
    audit = make.process(
        ProcessStatus.OPEN, ProcessType.AUDITORIA, title="Auditoría ciudadana de obras"
    )
    collab = make.process(
        ProcessStatus.OPEN, ProcessType.COLABORACION, title="Colaboración popular 2027"
    )
    return World(
        colonias=colonias,
        resident=make.user(colonia=colonias["Centro"]),
        neighbour=make.user(colonia=colonias["Sauces"]),
        staff=make.user(Role.STAFF),
        audit=audit,
        collab=collab,
        work=add_work(audit, "Pavimentación de la calle Hidalgo", budget=1_200_000),
        other=add_work(audit, "Programa de becas", kind=WorkKind.PROGRAMME),
        site=add_work(collab, "Techado de la cancha de Lomas"),
        folder=photo_folder(app.instance_path, "findings"),
    )


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.post("/cuenta/salir")
        assert login(client, user.email).status_code == 302
        return client

    return log_in
