"""The public pages of a priority gather the residents' help from oversight and collaboration."""

import csv
import io
from datetime import date

from participa.collaboration.models import Delivery, Pledge, PledgeKind
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.oversight.models import Finding, WatchedWork
from participa.processes.types import ProcessType
from participa.proposals import answers
from participa.proposals.models import ProposalStatus
from participa.works import rounds, services
from participa.works.models import RoundStatus, WorkOrigin
from tests.proposals.helpers import Kit
from tests.works.conftest import NOW, work_data
from tests.works.followup_helpers import JUSTIFICATION, approved


def helped(make, work):
    """A collaboration and an audit following `work`: $5,000 pledged ($2,000 given), 10 hours,
    a cancelled pledge; two findings, one hidden by staff."""
    collab = make.process(type=ProcessType.COLABORACION, title="Colaboración 2027")
    audit = make.process(type=ProcessType.AUDITORIA, title="Auditoría 2027")
    site = WatchedWork(process_id=collab.id, name="Pozo (colaboración)", work_id=work.id)
    watched = WatchedWork(process_id=audit.id, name="Pozo (auditoría)", work_id=work.id)
    db.session.add_all([site, watched])
    db.session.flush()
    money = Pledge(work_id=site.id, kind=PledgeKind.MONEY, quantity=5000, person_name="Ana")
    db.session.add_all(
        [
            money,
            Pledge(work_id=site.id, kind=PledgeKind.LABOUR, quantity=10, person_name="Luis"),
            Pledge(
                work_id=site.id,
                kind=PledgeKind.MONEY,
                quantity=90_000,
                person_name="Eva",
                cancelled_at=utcnow(),
            ),
            Finding(work_id=watched.id, title="Fuga", text="Hay una fuga."),
            Finding(work_id=watched.id, title="Oculto", text="x", hidden_at=utcnow()),
        ]
    )
    db.session.flush()
    db.session.add(Delivery(pledge_id=money.id, quantity=2000, delivered_on=date(2026, 11, 1)))
    db.session.commit()


def test_the_work_page_shows_its_pledges_findings_and_subjects(client, make, works):
    pozo, _banquetas = approved(works)
    helped(make, pozo)
    page = client.get(f"/obras/{pozo.id}").get_data(as_text=True)
    totals = page[page.index('id="pledge-totals"') :].split("</p>")[0]
    assert "2 pledges" in totals and "$5,000 pledged, $2,000 delivered" in totals
    assert "1 finding" in totals
    assert "Pozo (colaboración)" in page and "Pozo (auditoría)" in page


def test_the_list_and_downloads_carry_the_same_totals(client, make, works):
    pozo, banquetas = approved(works)
    helped(make, pozo)
    listing = client.get("/obras/").get_data(as_text=True)
    assert "2 pledges: $5,000 pledged, $2,000 delivered" in listing
    data = {p["work_id"]: p for p in client.get("/obras/prioridades.json").get_json()["priorities"]}
    assert data[pozo.id]["pledges"] == {"money_pledged": 5000, "money_delivered": 2000, "count": 2}
    assert data[pozo.id]["findings"] == 1
    assert data[banquetas.id]["pledges"]["count"] == 0 and data[banquetas.id]["findings"] == 0
    text = client.get("/obras/prioridades.csv").get_data(as_text=True).lstrip("\ufeff")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["work_id"] == str(pozo.id))
    assert (row["money_pledged"], row["money_delivered"], row["pledges"], row["findings"]) == (
        "5000",
        "2000",
        "2",
        "1",
    )


def test_a_converted_proposal_links_to_its_work_public_once_approved(client, make, works):
    kit = Kit(make)
    process = kit.initiative()
    proposal = kit.proposal(process)
    answers.answer(works.staff, proposal, ProposalStatus.ACCEPTED, "Sí.", utcnow())
    origin = services.Origin(WorkOrigin.PROPOSAL, proposal_id=proposal.id, answer="Será obra.")
    work = services.create_work(works.staff, work_data(title="Semáforo"), origin, NOW)
    url = f"/procesos/{process.id}/propuestas/{proposal.id}"
    before = client.get(url).get_data(as_text=True)
    assert "This proposal became a council need or work" in before and "Semáforo" in before
    assert "see the approved priorities" in before and f'href="/obras/{work.id}"' not in before
    _approve(works, [work, works.work("Otra")])
    after = client.get(url).get_data(as_text=True)
    assert f'href="/obras/{work.id}"' in after and "see the approved priorities" not in after


def _approve(works, made):
    round_ = works.open_round(works=made)
    (member,) = works.council()
    works.scores(round_, member, {w.id: (5, 5) for w in made})
    rounds.change_status(works.staff, round_, RoundStatus.CLOSED)
    rounds.approve(
        works.staff, round_, {w.id: i + 1 for i, w in enumerate(made)}, JUSTIFICATION, NOW
    )
