"""Forms for configuring PB ballots."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from participa.budgets.models import BallotRule, CountingRule, GreedyVariant, MesCompletion

RULE_LABELS = {
    BallotRule.APPROVAL: _l("Approval: choose between a minimum and a maximum of projects"),
    BallotRule.KNAPSACK: _l("Budget: choose projects whose total cost fits the amount"),
    BallotRule.CUMULATIVE: _l("Points: distribute a number of points among projects"),
    BallotRule.RANKING: _l("Ranking: order your favourite projects"),
}
COUNTING_LABELS = {
    CountingRule.GREEDY: _l("Most votes first (greedy), skipping projects that no longer fit"),
    CountingRule.MES: _l("Method of Equal Shares (proportional)"),
}
# What each rule does, in a sentence staff can repeat to the council.
COUNTING_EXPLANATIONS = {
    CountingRule.GREEDY: _l(
        "The projects with the most votes are funded in order until the money runs out."
    ),
    CountingRule.MES: _l(
        "The money is divided equally among the voters; each group pays for the projects "
        "it backs, so groups with fewer votes also get projects."
    ),
}
GREEDY_LABELS = {
    GreedyVariant.PLAIN: _l("Plain"),
    GreedyVariant.THRESHOLD: _l("Only projects with at least a minimum score"),
    GreedyVariant.NO_SKIP: _l("Stop at the first project that does not fit"),
}
COMPLETION_LABELS = {
    MesCompletion.NONE: _l("None"),
    MesCompletion.ADD1: _l("Add1: raise each voter's share by one peso while it fits"),
    MesCompletion.ADD1U: _l("Add1, then fill the rest by most votes"),
}


def _choices(labels: dict) -> list:
    return [(key.value, label) for key, label in labels.items()]


class BallotForm(FlaskForm):
    name = StringField(
        _l("Name of the ballot"),
        validators=[DataRequired(), Length(max=160)],
        description=_l("For example “Whole municipality” or “Delegación Norte”."),
    )
    amount = IntegerField(
        _l("Amount (pesos)"), validators=[InputRequired(), NumberRange(min=1, max=10**13)]
    )
    colonia_ids = SelectMultipleField(
        _l("Zone: colonias that vote in this ballot"),
        coerce=int,
        choices=[],
        description=_l("Leave empty for a ballot of the whole scope of the process."),
    )
    rule = SelectField(_l("How people vote"), choices=_choices(RULE_LABELS))
    min_choices = IntegerField(
        _l("Minimum number of projects"), default=1, validators=[Optional(), NumberRange(min=0)]
    )
    max_choices = IntegerField(
        _l("Maximum number of projects (approval) or projects to rank (ranking)"),
        validators=[Optional(), NumberRange(min=1, max=500)],
    )
    min_share_percent = IntegerField(
        _l("Minimum share of the amount that a budget ballot must use (%)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=100)],
    )
    points = IntegerField(
        _l("Points each person distributes"), validators=[Optional(), NumberRange(min=1, max=1000)]
    )
    proposals_open = BooleanField(_l("Residents may propose projects for this ballot now"))
    counting_rule = SelectField(
        _l("How the result is counted"),
        choices=_choices(COUNTING_LABELS),
        description=_l(
            "Most votes first: the projects with the most votes are funded in order until the "
            "money runs out. Equal Shares: the money is divided equally among the voters, and "
            "each group of voters pays for the projects it backs, so that a zone or a group "
            "with fewer votes also gets projects."
        ),
    )
    greedy_variant = SelectField(
        _l("Greedy variant"),
        choices=_choices(GREEDY_LABELS),
        description=_l(
            "Plain: a project that no longer fits is skipped and the next one is tried (the "
            "usual choice). Minimum score: only projects with at least that many votes can be "
            "funded. Stop at the first: counting ends at the first project that does not fit, "
            "even if cheaper ones would."
        ),
    )
    greedy_threshold = IntegerField(
        _l("Minimum score (threshold variant)"),
        default=0,
        validators=[Optional(), NumberRange(min=0)],
        description=_l("Only for the minimum score variant: the votes a project needs."),
    )
    mes_completion = SelectField(
        _l("Completion of Equal Shares"),
        choices=_choices(COMPLETION_LABELS),
        default="add1",
        description=_l(
            "Equal Shares alone often leaves money unspent. Add1 (recommended) repeats the "
            "count giving every voter one peso more each time, while the money is enough, so "
            "more projects are funded. “Add1, then fill the rest by most votes” also spends "
            "what is still left on the projects with most votes. None leaves the rest unspent."
        ),
    )
    mes_exhaustive_stop = BooleanField(
        _l("Stop Add1 as soon as no other project fits"),
        description=_l(
            "Add1 stops at the first result where the money left cannot pay for any other "
            "project, instead of trying bigger shares. Leave it off unless the call says so."
        ),
    )
    mes_comparison = BooleanField(
        _l("Use the greedy result if more voters prefer it"),
        description=_l(
            "Comparison of rules: each voter prefers the result that funds more of the projects "
            "they voted for. If more voters prefer the most-votes result, it is taken instead. "
            "Use it when the council wants Equal Shares only where it pleases most voters."
        ),
    )
