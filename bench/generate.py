"""Generate a synthetic city: a consultation and a PB vote with N ballots each, in bulk.

Run: .venv/bin/python -m bench.generate --db URL -n 1000000 [--spare N] [--open]
(URL: sqlite:///path/file.db or postgresql+psycopg://...; the tables are created when
missing). The structure (territory, processes, questions, ballots, projects) goes through
the ORM; residents, participations and secret ballots go in bulk: executemany in one
transaction on SQLite, COPY on PostgreSQL. It keeps every rule of the app: one participation
per voter key and ballot, random content ids with no timestamp, content sorted by its random
id (the order of a WITHOUT ROWID table anyway, so the insertion order links nothing),
hashed receipts, valid CURPs. `generate()` returns its own count of what it wrote, so a test
can compare it with what the app's results code reads back.
"""

import argparse
import hashlib
import json
import os
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock

from werkzeug.security import generate_password_hash

from bench import city
from bench.loader import Loader
from participa.aggregates.fold import recompute_ballot, recompute_process
from participa.extensions import db
from participa.receipts.services import RECEIPT_ALPHABET
from participa.tally import age_band

PASSWORD = "bench-password"  # every generated resident's; bench databases only
HASH_METHOD = "pbkdf2:sha256:1000"
CHUNK = 50_000
CHANNEL = city.Picker(("web", "desk", "paper"), (85, 10, 5))
LOCAL = timedelta(hours=-6)  # America/Mexico_City, no daylight saving since 2022
USER_COLUMNS = ("id", "name", "email", "password_hash", "role", "curp", "birth_date", "sex")
# Generated residents confirmed their e-mail when they registered (processes may ask for it).
USER_COLUMNS += (
    "colonia_id",
    "active",
    "created_at",
    "email_confirmed_at",
)  # residents who confirmed
PARTICIPANT_COLUMNS = (
    "id",
    "voter_key",
    "user_id",
    "channel",
    "created_at",
    "colonia_id",
    "age_band",
    "sex",
)


@dataclass
class Tally:
    """What the generator wrote, counted as it wrote it."""

    participations: int = 0
    by_sex: Counter = field(default_factory=Counter)
    by_age_band: Counter = field(default_factory=Counter)
    by_colonia: Counter = field(default_factory=Counter)
    by_day: Counter = field(default_factory=Counter)  # local voting day
    answers: defaultdict = field(
        default_factory=lambda: defaultdict(Counter)
    )  # question id -> Counter of (option, value)
    respondents: Counter = field(default_factory=Counter)  # question id -> non-empty answers
    votes: defaultdict = field(
        default_factory=lambda: defaultdict(Counter)
    )  # ballot id -> Counter of project id
    voters: Counter = field(default_factory=Counter)  # ballot id -> votes


@dataclass
class Generated:
    city: city.City
    ballots: int
    spare_emails: list[str]
    tally: Tally
    seconds: float
    cpu_seconds: float  # of this process: the wall time also counts other work on the machine


def _receipt_hashes(n: int) -> list[str]:
    """Hashes of n fresh receipt codes (12 symbols of the app's alphabet), as the app stores."""
    raw = os.urandom(8 * n)
    hashes = []
    for i in range(n):
        number = int.from_bytes(raw[8 * i : 8 * i + 8])
        code = "".join(RECEIPT_ALPHABET[(number >> (5 * k)) & 31] for k in range(12))
        hashes.append(hashlib.sha256(code.encode()).hexdigest())
    return hashes


def _random_ids(n: int) -> list[str]:
    raw = os.urandom(16 * n).hex()
    return [raw[32 * i : 32 * i + 32] for i in range(n)]


class VotingClock:
    """Moments of the voting days: busy first and last days, 8:00 to 21:00 local time."""

    def __init__(self, made: city.City, now: datetime):
        first, days = made.today - timedelta(days=made.voting_started_days_ago), made.voting_days
        opening = [datetime.combine(first + timedelta(days=d), clock(8)) for d in range(days)]
        self.openings = [(moment - LOCAL).replace(tzinfo=UTC) for moment in opening]
        self.day = city.Picker(range(days), [3 if d in (0, days - 1) else 1 for d in range(days)])
        self.now = now

    def __call__(self, rng: random.Random) -> datetime:
        moment = self.openings[self.day(rng)] + timedelta(seconds=rng.randrange(13 * 3600))
        return min(moment, self.now)


def _resident_rows(loader, rng, start_id: int, start_n: int, count: int, made: city.City, now):
    """User rows and, aside, each resident's (id, curp, colonia, birth, sex)."""
    password = generate_password_hash(PASSWORD, method=HASH_METHOD)
    rows, people = [], []
    created = loader.stamp(now - timedelta(days=60))
    colonias = city.Picker(made.colonia_ids, made.colonia_weights)
    for i in range(count):
        n = start_n + i
        person = city.person(rng, n, made.today)
        colonia = colonias(rng)
        uid = start_id + i
        rows.append(
            (uid, person.name, f"vecino{n}@bench.participa.local", password, "citizen")
            + (person.curp, person.birth.isoformat(), person.sex, colonia)
            + (loader.flag(True), created, created)
        )
        people.append((uid, person.curp, colonia, person.birth, person.sex))
    return rows, people


def _participant(loader, pid, person, moment, channel) -> tuple:
    uid, curp, colonia, birth, sex = person
    band = age_band(birth, (moment + LOCAL).date())
    return (pid, f"curp:{curp}", uid, channel, loader.stamp(moment), colonia, band, sex)


def _consultation_chunk(loader, rng, made, people, start_pid, tally, now) -> None:
    participations, responses, answers = [], [], []
    ids, hashes = _random_ids(len(people)), _receipt_hashes(len(people))
    moment_of = VotingClock(made, now)
    for i, person in enumerate(people):
        moment = moment_of(rng)
        channel = CHANNEL(rng)
        participations.append(_participant(loader, start_pid + i, person, moment, channel))
        row = participations[-1]
        tally.participations += 1
        tally.by_sex[row[7]] += 1
        tally.by_age_band[row[6]] += 1
        tally.by_colonia[row[5]] += 1
        tally.by_day[(moment + LOCAL).date()] += 1
        responses.append((ids[i], made.consultation_id, hashes[i]))
        for question in made.questions:
            found = city.answer(rng, question)
            if found:
                tally.respondents[question.id] += 1
            for seq, option_id, value, text in found:
                answers.append((ids[i], question.id, seq, option_id, value, text))
                if text is None:
                    tally.answers[question.id][option_id, value] += 1
    responses.sort()
    answers.sort(key=lambda a: (a[0], a[1], a[2]))
    loader.write(
        "participation",
        ("process_id", *PARTICIPANT_COLUMNS),
        [(made.consultation_id, *row) for row in participations],
    )
    loader.write("response", ("id", "process_id", "receipt_hash"), responses)
    columns = ("response_id", "question_id", "seq", "option_id", "value", "text")
    loader.write("answer", columns, answers)


def _pb_chunk(loader, rng, made, people, start_pid, tally, now) -> int:
    """Every resident votes in each ballot; return how many participation ids were used."""
    moment_of, pid = VotingClock(made, now), start_pid
    for ballot in made.ballots:
        participations, votes, items = [], [], []
        ids, hashes = _random_ids(len(people)), _receipt_hashes(len(people))
        for i, person in enumerate(people):
            moment = moment_of(rng)
            channel = CHANNEL(rng)
            participations.append((ballot.id, *_participant(loader, pid, person, moment, channel)))
            pid += 1
            votes.append((ids[i], ballot.id, hashes[i]))
            chosen = city.pb_choice(rng, ballot)
            items += [(ids[i], project_id, 1) for project_id in chosen]
            tally.votes[ballot.id].update(chosen)
            tally.voters[ballot.id] += 1
        votes.sort()
        items.sort()
        loader.write("pb_participation", ("ballot_id", *PARTICIPANT_COLUMNS), participations)
        loader.write("pb_vote", ("id", "ballot_id", "receipt_hash"), votes)
        loader.write("pb_vote_item", ("vote_id", "project_id", "weight"), items)
    return pid - start_pid


def generate(ballots: int, *, spare: int = 0, published: bool = True, seed: int = 8) -> Generated:
    """Fill the app's database (inside an app context) with N ballots; return what it wrote."""
    started, cpu = time.perf_counter(), time.process_time()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    made = city.structure(rng, now, published)
    # Alone on the file, the load may leave WAL for its duration (SQLite needs that).
    db.session.remove()
    db.engine.dispose()
    raw = db.engine.raw_connection()
    try:
        loader = Loader(raw.driver_connection)
        user_id = first_n = loader.next_id("user")
        part_id, pb_part_id = loader.next_id("participation"), loader.next_id("pb_participation")
        tally = Tally()
        for start in range(0, ballots + spare, CHUNK):
            count = min(CHUNK, ballots + spare - start)
            users, people = _resident_rows(
                loader, rng, user_id + start, first_n + start, count, made, now
            )
            loader.write("user", USER_COLUMNS, users)
            voters = people[: max(0, min(count, ballots - start))]
            if voters:
                _consultation_chunk(loader, rng, made, voters, part_id, tally, now)
                part_id += len(voters)
                pb_part_id += _pb_chunk(loader, rng, made, voters, pb_part_id, tally, now)
        loader.finish(("user", "participation", "pb_participation"))
    finally:
        raw.close()
    spare_emails = [f"vecino{first_n + ballots + i}@bench.participa.local" for i in range(spare)]
    # The app reads results from its aggregates: count the loaded ballots into them, as
    # `flask aggregates-recompute` does (timed with the load).
    recompute_process(made.consultation_id)
    recompute_process(made.pb_process_id)
    for ballot in made.ballots:
        recompute_ballot(ballot.id)
    if published:
        city.save_outcomes(made)
    seconds = time.perf_counter() - started
    return Generated(made, ballots, spare_emails, tally, seconds, time.process_time() - cpu)


def main() -> None:
    from participa import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of the target database")
    parser.add_argument("-n", "--ballots", type=int, default=10_000)
    parser.add_argument("--spare", type=int, default=0, help="residents who have not voted")
    parser.add_argument("--open", action="store_true", help="leave both processes open")
    parser.add_argument("--json", action="store_true", help="print the ids as JSON")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.db, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        made = generate(args.ballots, spare=args.spare, published=not args.open)
    summary = {
        "consultation_id": made.city.consultation_id,
        "pb_process_id": made.city.pb_process_id,
        "ballot_ids": [b.id for b in made.city.ballots],
        "ballots": made.ballots,
        "spare": len(made.spare_emails),
        "seconds": round(made.seconds, 1),
        "cpu_seconds": round(made.cpu_seconds, 1),
    }
    print(json.dumps(summary) if args.json else summary)


if __name__ == "__main__":
    main()
