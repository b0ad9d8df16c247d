"""Pure counting core of Participa.

Everything here turns plain values (ids, dates, counts, strings) into frozen
dataclasses: consultation results (choices, Borda rankings, scales, texts),
participation statistics (age bands, zone shares, daily counts), and
participatory-budgeting rules (greedy, Method of Equal Shares) with the Pabulib
format. It uses the standard library and numpy only - no Flask, no database, no
other project module - so results are deterministic, exact (integers and
``fractions.Fraction``) and testable in isolation. Web and persistence layers
load the data and call in here; ``python -m participa.tally pb-results`` counts
Pabulib files from the command line without them (participa.tally.cli).
"""

from participa.tally.consultation import (
    ChoiceTally,
    OptionCount,
    RankingTally,
    ScaleTally,
    TextAnswers,
    borda,
    borda_from_positions,
    choices_from_counts,
    collect_texts,
    count_choices,
    scale_distribution,
    scale_from_counts,
)
from participa.tally.pabulib import PabulibError, parse_pabulib, read_pabulib, write_pabulib
from participa.tally.participation import (
    AGE_BANDS,
    DailyCount,
    ZoneShare,
    age_band,
    age_on,
    count_by,
    count_weighted,
    per_day,
    per_day_counts,
    shares_of_population,
)
from participa.tally.pb import (
    Ballot,
    BallotKind,
    Completion,
    Election,
    GreedyOutcome,
    GreedyVariant,
    MesOutcome,
    MesSettings,
    Project,
    equal_shares,
    greedy,
    greedy_for_meta,
)

__all__ = [
    "AGE_BANDS",
    "ChoiceTally",
    "DailyCount",
    "OptionCount",
    "RankingTally",
    "ScaleTally",
    "TextAnswers",
    "ZoneShare",
    "age_band",
    "age_on",
    "borda",
    "borda_from_positions",
    "choices_from_counts",
    "collect_texts",
    "count_by",
    "count_weighted",
    "count_choices",
    "per_day",
    "per_day_counts",
    "scale_distribution",
    "scale_from_counts",
    "shares_of_population",
    # participatory budgeting
    "Ballot",
    "BallotKind",
    "Completion",
    "Election",
    "GreedyOutcome",
    "GreedyVariant",
    "MesOutcome",
    "MesSettings",
    "PabulibError",
    "Project",
    "equal_shares",
    "greedy",
    "greedy_for_meta",
    "parse_pabulib",
    "read_pabulib",
    "write_pabulib",
]
