"""Numbers, pesos and percentages written one way, in es-MX and in English."""

from decimal import Decimal
from fractions import Fraction

import pytest
from flask import render_template_string
from flask_babel import force_locale

from participa.core.numbers import money, money_cents, number, percent, separators


@pytest.mark.parametrize("lang", ["es_MX", "en"])
def test_both_languages_write_numbers_the_same_way(app, lang):
    with app.test_request_context(), force_locale(lang):
        assert number(3000) == "3,000" and number(1234.5) == "1,234.5"
        assert number(Fraction(10, 3)) == "3.33" and number(None) == "—"
        assert money(1_250_000) == "$1,250,000" and money(Decimal("1250000.5")) == "$1,250,000.50"
        assert money(Fraction(1, 3)) == "$0.33" and money(-5) == "-$5"
        assert money_cents(410_100) == "$4,101" and money_cents(410_150) == "$4,101.50"
        assert percent(0.315) == "31.5%" and percent(Fraction(1, 3)) == "33.3%"
        assert percent(55, 100) == "55%" and percent(0) == "0%" and percent(None) == "—"
        assert separators() == ".,"


def test_templates_have_the_filters_and_count_with_commas(app):
    template = (
        "{{ 3000|number }} {{ 1250000|money }} {{ 0.5|percent }} {{ 40|percent(100) }} "
        '{{ ngettext("%(num)s person voted", "%(num)s people voted", 12400) }} '
        '{{ ngettext("%(num)d failed message", "%(num)d failed messages", 1500) }}'
    )
    with app.test_request_context(), force_locale("en"):
        assert render_template_string(template) == (
            "3,000 $1,250,000 50% 40% 12,400 people voted 1,500 failed messages"
        )
    with app.test_request_context(), force_locale("es_MX"):
        assert "12,400 personas votaron" in render_template_string(template)


def test_the_other_values_of_ngettext_stay_escaped(app):
    with app.test_request_context(), force_locale("en"):
        page = render_template_string(
            '{{ ngettext("%(num)s vote for %(who)s", "%(num)s votes for %(who)s", n, who=who) }}',
            n=2000,
            who="<b>x</b>",
        )
    assert page == "2,000 votes for &lt;b&gt;x&lt;/b&gt;"
