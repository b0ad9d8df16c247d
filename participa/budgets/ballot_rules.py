"""The four ways to fill in a PB ballot, as a registry of interchangeable rules (CTFd-style).

Each rule builds the form fields of its control for the feasible projects, reads the submitted
form into a `Selection` (project id -> weight), checks a selection against the ballot on the
server, and says what a selection adds up to. `voting.cast_vote` trusts nothing else.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import SelectField, StringField

from participa.budgets.models import BallotRule, PbBallot, PbProject
from participa.core.errors import DomainError
from participa.core.forms import MultiCheckboxField
from participa.core.numbers import money, percent

Selection = dict[int, int]  # project id -> 1 (approval, knapsack), points, or position

POSITIONS_MESSAGE = _l("Use each position once, starting at 1, without gaps.")
POINTS_MESSAGE = _l("Give whole numbers of points: 0, 1, 2…")
UNREADABLE = _l("The ballot could not be read. Reload the page.")
REPEATED = _l("The ballot names the same project more than once; nothing was stored.")


def refuse_repeats(names) -> None:
    """Refuse a form that sends one project twice: it would be stored once, silently."""
    if len(set(names)) != len(names):
        raise DomainError(REPEATED)


@dataclass(frozen=True)
class Totals:
    """What a selection adds up to, for the review step (and the page without JavaScript)."""

    rows: tuple[tuple[PbProject, int, int], ...]  # chosen (project, weight, cost), ballot order
    count: int
    cost: int
    remaining: int  # may be negative: over the amount
    points_used: int
    points_left: int | None  # cumulative only


def project_cost(project: PbProject) -> int:
    """The cost on the ballot: the technical review's, or the author's estimate before it."""
    return project.cost if project.cost is not None else project.estimated_cost


def pesos(amount: int) -> str:
    return money(amount)


def minimum_spend(ballot: PbBallot) -> int:
    """The least total cost a knapsack ballot must reach (its share of the amount, rounded up)."""
    return -(-ballot.amount * ballot.min_share_percent // 100)


def project_field(project: PbProject) -> str:
    return f"p{project.id}"


def refuse_sent_twice(form, projects: list[PbProject]) -> None:
    """Refuse points or positions sent twice for one project (WTForms would keep the first)."""
    for project in projects:
        if len(form[project_field(project)].raw_data or ()) > 1:
            raise DomainError(REPEATED, field=project_field(project))


class Rule:
    """The shared part: which projects, how many, and the totals; subclasses add the rest."""

    kind: BallotRule
    control: str  # how the template draws each project: checkbox, points or position

    def describe(self, ballot: PbBallot) -> list:
        """The rule in plain words, one sentence per condition."""
        raise NotImplementedError

    def fields(self, ballot: PbBallot, projects: list[PbProject]) -> dict:
        raise NotImplementedError

    def read(self, form, projects: list[PbProject]) -> Selection:
        """Turn the submitted form into a selection; DomainError when a value is malformed."""
        raise NotImplementedError

    def too_few(self, n: int):
        return lazy_ngettext(
            "Choose at least %(num)s project.", "Choose at least %(num)s projects.", n
        )

    def too_many(self, n: int):
        return lazy_ngettext(
            "Choose at most %(num)s project.", "Choose at most %(num)s projects.", n
        )

    def validate(self, ballot: PbBallot, projects: list[PbProject], selection: Selection) -> None:
        """Raise DomainError with the first rule of the ballot that `selection` breaks."""
        if not set(selection) <= {p.id for p in projects}:
            raise DomainError(
                _l("One of the projects you chose is not on this ballot. Reload the page.")
            )
        if any(not isinstance(w, int) or isinstance(w, bool) for w in selection.values()):
            raise DomainError(UNREADABLE)
        if ballot.max_choices is not None and len(selection) > ballot.max_choices:
            raise DomainError(self.too_many(ballot.max_choices))
        self.check_weights(ballot, selection)
        if len(selection) < ballot.min_choices:
            raise DomainError(self.too_few(ballot.min_choices))
        self.check_total(ballot, {p.id: p for p in projects}, selection)

    def check_weights(self, ballot: PbBallot, selection: Selection) -> None:
        if any(w != 1 for w in selection.values()):
            raise DomainError(UNREADABLE)

    def check_total(self, ballot: PbBallot, projects: dict[int, PbProject], selection) -> None:
        """Rules on the sum of the selection (cost, points)."""

    def items(self, selection: Selection) -> list[tuple[int, int]]:
        """(project id, weight) rows of the secret vote."""
        return sorted(selection.items())

    def totals(self, ballot: PbBallot, projects: list[PbProject], selection: Selection) -> Totals:
        chosen = [(p, selection[p.id], project_cost(p)) for p in projects if p.id in selection]
        if self.kind is BallotRule.RANKING:
            chosen.sort(key=lambda row: row[1])
        cost = sum(c for _p, _w, c in chosen)
        used = sum(w for _p, w, _c in chosen) if self.kind is BallotRule.CUMULATIVE else 0
        return Totals(
            rows=tuple(chosen),
            count=len(chosen),
            cost=cost,
            remaining=ballot.amount - cost,
            points_used=used,
            points_left=ballot.points - used if self.kind is BallotRule.CUMULATIVE else None,
        )


class _CheckboxRule(Rule):
    control = "checkbox"

    def fields(self, ballot, projects):
        # validate_choice=False: a project that is not (or no longer) on the ballot reaches the
        # service, which refuses it with a message instead of WTForms' generic one.
        choices = [(p.id, p.title) for p in projects]
        return {
            "projects": MultiCheckboxField(
                _l("Projects"), choices=choices, coerce=int, validate_choice=False
            )
        }

    def read(self, form, projects):
        chosen = form.projects.data or []
        refuse_repeats(chosen)
        return dict.fromkeys(chosen, 1)


class Approval(_CheckboxRule):
    kind = BallotRule.APPROVAL

    def describe(self, ballot):
        low, high = ballot.min_choices, ballot.max_choices
        if low == high:
            return [lazy_ngettext("Choose %(num)s project.", "Choose %(num)s projects.", high)]
        if low <= 1:
            return [
                lazy_ngettext(
                    "Choose up to %(num)s project.", "Choose up to %(num)s projects.", high
                )
            ]
        return [_l("Choose between %(low)s and %(high)s projects.", low=low, high=high)]


class Knapsack(_CheckboxRule):
    kind = BallotRule.KNAPSACK

    def describe(self, ballot):
        sentences = [_l("Choose projects up to %(amount)s.", amount=pesos(ballot.amount))]
        if ballot.min_share_percent:
            sentences.append(
                _l(
                    "Use at least %(share)s of the amount (%(minimum)s).",
                    share=percent(ballot.min_share_percent, 100),
                    minimum=pesos(minimum_spend(ballot)),
                )
            )
        if ballot.max_choices:
            sentences.append(self.too_many(ballot.max_choices))
        return sentences

    def check_total(self, ballot, projects, selection):
        cost = sum(project_cost(projects[pid]) for pid in selection)
        if cost > ballot.amount:
            raise DomainError(
                _l(
                    "Your projects cost %(cost)s; the amount is %(amount)s.",
                    cost=pesos(cost),
                    amount=pesos(ballot.amount),
                )
            )
        if cost < minimum_spend(ballot):
            raise DomainError(
                _l(
                    "Use at least %(share)s of the amount (%(minimum)s). "
                    "Your projects cost %(cost)s.",
                    share=percent(ballot.min_share_percent, 100),
                    minimum=pesos(minimum_spend(ballot)),
                    cost=pesos(cost),
                )
            )


class Cumulative(Rule):
    kind = BallotRule.CUMULATIVE
    control = "points"

    def describe(self, ballot):
        sentences = [
            lazy_ngettext(
                "Distribute %(num)s point among the projects you prefer.",
                "Distribute %(num)s points among the projects you prefer.",
                ballot.points,
            )
        ]
        if ballot.max_choices:
            sentences.append(self.too_many(ballot.max_choices))
        return sentences

    def too_few(self, n):
        return lazy_ngettext(
            "Give points to at least %(num)s project.",
            "Give points to at least %(num)s projects.",
            n,
        )

    def too_many(self, n):
        return lazy_ngettext(
            "Give points to at most %(num)s project.", "Give points to at most %(num)s projects.", n
        )

    def fields(self, ballot, projects):
        return {project_field(p): StringField(p.title, default="0") for p in projects}

    def read(self, form, projects):
        refuse_sent_twice(form, projects)
        selection = {}
        for project in projects:
            raw = (form[project_field(project)].data or "").strip() or "0"
            if not (raw.isascii() and raw.isdecimal()) or len(raw) > 9:
                raise DomainError(POINTS_MESSAGE, field=project_field(project))
            if int(raw):
                selection[project.id] = int(raw)
        return selection

    def check_weights(self, ballot, selection):
        if any(w < 1 for w in selection.values()):
            raise DomainError(POINTS_MESSAGE)

    def check_total(self, ballot, projects, selection):
        given = sum(selection.values())
        if given > ballot.points:
            raise DomainError(
                _l(
                    "You gave %(given)s points; you have %(points)s.",
                    given=given,
                    points=ballot.points,
                )
            )

    def validate(self, ballot, projects, selection):
        if not selection and ballot.min_choices:
            raise DomainError(_l("You gave no points. Give at least one point to a project."))
        super().validate(ballot, projects, selection)


class Ranking(Rule):
    kind = BallotRule.RANKING
    control = "position"

    def describe(self, ballot):
        sentences = [
            lazy_ngettext(
                "Rank up to %(num)s project in order of preference: 1 is the one you want most.",
                "Rank up to %(num)s projects in order of preference: 1 is the one you want most.",
                ballot.max_choices,
            )
        ]
        if ballot.min_choices > 1:
            sentences.append(self.too_few(ballot.min_choices))
        return sentences

    def too_few(self, n):
        return lazy_ngettext("Rank at least %(num)s project.", "Rank at least %(num)s projects.", n)

    def too_many(self, n):
        return lazy_ngettext("Rank at most %(num)s project.", "Rank at most %(num)s projects.", n)

    def fields(self, ballot, projects):
        top = min(ballot.max_choices or len(projects), len(projects))
        positions = [("", "—")] + [(str(i), str(i)) for i in range(1, top + 1)]
        return {
            project_field(p): SelectField(
                p.title, choices=positions, default="", validate_choice=False
            )
            for p in projects
        }

    def read(self, form, projects):
        refuse_sent_twice(form, projects)
        selection = {}
        for project in projects:
            raw = (form[project_field(project)].data or "").strip()
            if not raw:
                continue
            if not (raw.isascii() and raw.isdecimal()) or len(raw) > 4:
                raise DomainError(POSITIONS_MESSAGE, field=project_field(project))
            selection[project.id] = int(raw)
        return selection

    def check_weights(self, ballot, selection):
        if sorted(selection.values()) != list(range(1, len(selection) + 1)):
            raise DomainError(POSITIONS_MESSAGE)


RULES: dict[BallotRule, Rule] = {
    rule.kind: rule for rule in (Approval(), Knapsack(), Cumulative(), Ranking())
}


def rule_for(ballot: PbBallot) -> Rule:
    return RULES[ballot.rule]
