"""Property-based fuzzing (hypothesis) of every form: no 500, no partial write.

Every `FlaskForm` subclass defined in `participa/` must have an entry in FORMS: the POST
endpoints that process it and the role allowed to use them (or why none: a GET filter, a
base class). A new form without an entry fails `test_every_form_is_mapped`. Forms built at
request time from the database (a consultation's questions, a PB ballot, a scoring sheet, a
session's attendance) are in BUILT_FORMS, their field names read from the page that shows
them.

For each target, hypothesis posts generated values for its fields (unicode with control
characters, very long text, numbers out of range, negative or huge, wrong types, bad dates,
bad ids, missing and extra fields, empty or bad files) on the real app and world
(tests/hardening/world.py) and asserts: never a 5xx; and unless the answer is a success (a
redirect that flashed no error), no table's row count or content changed. Examples per
target: PARTICIPA_FUZZ_EXAMPLES (default 10).
"""

import importlib
import io
import os
import pkgutil
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import fields as wtf

import participa
from participa.consultations.models import Question
from participa.events.models import Event, HandVote
from participa.extensions import db
from participa.works.models import Work
from tests.hardening.world import url_values

EXAMPLES = int(os.environ.get("PARTICIPA_FUZZ_EXAMPLES", "10"))


@dataclass(frozen=True)
class Target:
    role: str | None  # None: anonymous
    endpoint: str
    args: dict = field(default_factory=dict)  # URL argument -> key of world.ids, to override


NO_POST = "a GET filter: no POST processes it"
DRAFT = {"process_id": "draft_consultation", "question_id": "draft_question"}
DRAFT_ROUND = {"round_id": "draft_round", "criterion_id": "draft_criterion"}

# "module.Class" -> the POST targets that process it, or a string saying why there is none.
FORMS: dict[str, list[Target] | str] = {
    "participa.admin.forms.RoleForm": [Target("admin", "admin.set_role")],
    "participa.admin.forms.AccountForm": [Target("admin", "admin.new_user")],
    "participa.auth.forms.LoginForm": [Target(None, "auth.login")],
    "participa.auth.forms.RegisterForm": [Target(None, "auth.register")],
    "participa.auth.forms.ResetRequestForm": [Target(None, "auth.forgot_password")],
    "participa.auth.forms.NewPasswordForm": [Target(None, "auth.reset_password")],
    "participa.auth.forms.CodeForm": [Target("staff", "auth.two_factor")],
    "participa.auth.forms.ContactEmailForm": [Target("citizen", "contact.change_email")],
    "participa.auth.forms.ContactPhoneForm": [Target("citizen", "contact.change_phone")],
    "participa.auth.forms.PhoneCodeForm": [Target("citizen", "contact.confirm_phone")],
    "participa.auth.forms.PhoneResetRequestForm": [Target(None, "contact.reset_by_phone")],
    "participa.auth.forms.PhoneResetForm": [Target(None, "contact.reset_by_code")],
    "participa.consultations.forms.QuestionForm": [
        Target("staff", "builder.index", DRAFT),
        Target("staff", "builder.edit", DRAFT),
    ],
    "participa.processes.forms.ProcessForm": [Target("staff", "manage.edit", DRAFT)],
    "participa.processes.forms.PhaseForm": [
        Target("staff", "manage.add_phase", DRAFT),
        Target("staff", "manage.edit_phase"),  # the consultation's phase (world.ids["phase"])
    ],
    "participa.processes.forms.TransitionForm": [Target("staff", "manage.change_status", DRAFT)],
    "participa.events.forms.EventForm": [Target("staff", "events_manage.edit")],
    "participa.events.forms.EventCommentForm": [Target("citizen", "events.comment")],
    "participa.events.forms.QuestionForm": [Target("citizen", "events.ask")],
    "participa.events.forms.AnswerForm": [Target("staff", "events_manage.answer_question")],
    "participa.events.forms.SetAsideForm": [Target("staff", "events_manage.set_aside")],
    "participa.events.forms.SearchForm": NO_POST,
    "participa.events.forms.WalkInForm": [Target("staff", "events_manage.walk_in")],
    "participa.events.forms.MinutesForm": [Target("staff", "events_manage.save_minutes")],
    "participa.events.forms.AgreementForm": [Target("staff", "events_manage.add_agreement")],
    "participa.events.forms.HandVoteForm": [Target("staff", "events_manage.add_vote")],
    "participa.collaboration.forms.PledgeForm": [Target("citizen", "collaboration.pledge")],
    "participa.collaboration.forms.WalkInForm": [Target("staff", "collaboration_manage.walk_in")],
    "participa.collaboration.forms.DeliveryForm": [Target("staff", "collaboration_manage.deliver")],
    "participa.works.forms.WorkForm": [Target("staff", "works.new"), Target("staff", "works.edit")],
    "participa.works.forms.FilterForm": NO_POST,
    "participa.works.forms.RoundForm": [Target("staff", "priorities.index")],
    "participa.works.forms.CriterionForm": [
        Target("staff", "priorities.add_criterion", DRAFT_ROUND)
    ],
    "participa.works.forms.CandidatesForm": [
        Target("staff", "priorities.set_candidates", DRAFT_ROUND)
    ],
    "participa.works.forms.ApprovalForm": [Target("council", "priorities.results")],
    "participa.works.forms.TaskForm": [Target("staff", "works.add_task")],
    "participa.works.forms.ReportForm": [
        Target("staff", "works_followup.work_report"),
        Target("staff", "works_followup.session_report"),
    ],
    "participa.accountability.forms.AccountabilityFilter": NO_POST,
    "participa.budgets.results_views.CountForm": [Target("staff", "pb_counting.save_counted")],
    "participa.budgets.results_views.ManualForm": [Target("staff", "pb_counting.save_manual")],
    "participa.budgets.project_forms.ProposalForm": [Target("citizen", "pb_projects.propose")],
    "participa.budgets.project_forms.ReviewForm": [Target("staff", "pb_review.review")],
    "participa.budgets.project_forms.ProjectEditForm": [Target("staff", "pb_review.edit")],
    "participa.budgets.project_forms.ProjectAddForm": [Target("staff", "pb_review.add")],
    "participa.budgets.project_forms.ExecutionForm": [Target("staff", "pb_review.execution")],
    "participa.budgets.project_forms.ProjectImportForm": [Target("staff", "pb_review.import_csv")],
    "participa.budgets.forms.BallotForm": [Target("staff", "pb_ballots.edit")],
    "participa.proposals.forms.ProposalForm": [Target("citizen", "proposals.edit")],
    "participa.proposals.forms.NewProposalForm": [Target("citizen", "proposals.new")],
    "participa.proposals.forms.SettingsForm": [Target("staff", "proposals_manage.settings")],
    "participa.proposals.forms.AnswerForm": [Target("staff", "proposals_manage.answer")],
    "participa.proposals.forms.ConversionForm": [Target("staff", "proposals_manage.convert")],
    "participa.proposals.forms.CommentForm": [Target("citizen", "proposals.comment")],
    "participa.moderation.forms.ReportForm": [
        Target("citizen", "proposals.report"),
        Target("citizen", "proposals.report_comment"),
        Target("citizen", "events.report_question"),
        Target("citizen", "events.report_comment"),
        Target("citizen", "oversight.report_finding"),
    ],
    "participa.moderation.forms.HideForm": [Target("staff", "moderation.hide")],
    "participa.territory.forms.DelegacionForm": [Target("admin", "territory.index")],
    "participa.territory.forms.ColoniaForm": [
        Target("admin", "territory.index"),
        Target("admin", "territory.colonia"),
    ],
    "participa.territory.forms.TerritoryImportForm": [Target("admin", "territory.import_csv")],
    "participa.territory.forms.BoundaryImportForm": [Target("staff", "boundaries.index")],
    "participa.oversight.forms.WorkForm": [Target("staff", "oversight_manage.edit_work")],
    "participa.oversight.forms.FindingForm": [Target("citizen", "oversight.file_finding")],
    "participa.oversight.forms.AnswerForm": [Target("staff", "oversight_manage.answer")],
    "participa.oversight.forms.StatusForm": [Target("staff", "oversight_manage.change_status")],
    "participa.oversight.forms.HideForm": [Target("staff", "oversight_manage.hide")],
    "participa.council.forms._SessionPageForm": "a base class: its subclasses are mapped",
    "participa.council.forms.MemberForm": [
        Target("staff", "council_manage.new_member"),
        Target("staff", "council_manage.edit_member"),
    ],
    "participa.council.forms.SessionForm": [Target("staff", "council_manage.new_session")],
    "participa.council.forms.ItemForm": [Target("staff", "council_manage.add_item")],
    "participa.council.forms.MinutesForm": [
        Target("staff", "council_record.save_minutes"),
        Target("staff", "council_record.approve_minutes"),
    ],
    "participa.council.forms.CorrectionForm": [Target("staff", "council_record.correct_minutes")],
    "participa.council.forms.AgreementForm": [Target("staff", "council_record.add_agreement")],
    "participa.council.forms.AgreementStatusForm": [Target("staff", "council_record.agreement")],
    "participa.council.forms.AgreementFilterForm": NO_POST,
    "participa.council.forms.OperationForm": [Target("staff", "council_record.add_operation")],
    "participa.council.forms.OperationStatusForm": [
        Target("staff", "council_operations.set_status")
    ],
    "participa.council.forms.OperationFilterForm": NO_POST,
    "participa.notifications.forms.PreferencesBase": [Target("citizen", "notifications.settings")],
    "participa.eligibility.forms.AccountKeyForm": [
        Target("citizen", "eligibility_account.add_key")
    ],
    "participa.eligibility.forms.RollImportForm": [Target("staff", "eligibility.roll")],
    "participa.eligibility.forms.ResolveForm": [Target("staff", "eligibility.resolve")],
    "participa.eligibility.forms.RuleForm": [Target("staff", "eligibility.process_rule", DRAFT)],
    "participa.eligibility.forms.VerifyForm": [Target("staff", "eligibility.verify")],
    "participa.eligibility.forms.UndoForm": [Target("staff", "eligibility.undo")],
    "participa.tables.forms.TableForm": [Target("staff", "tables.edit")],
    "participa.tables.forms.ReceivedForm": [Target("staff", "tables.received")],
    "participa.tables.forms.LookupForm": [Target("staff", "tables.tablet")],
    "participa.tables.forms.BatchForm": [Target("staff", "table_batches.new")],
    "participa.administration.forms.MeetingForm": [
        Target("staff", "administration.edit_meeting")  # a new meeting and an edit
    ],
    "participa.administration.forms.CommitmentForm": [
        Target("staff", "administration.add_commitment")
    ],
    "participa.administration.forms.NoteForm": [Target("staff", "administration.commitment")],
    "participa.administration.forms.FaisForm": [Target("staff", "administration_fais.edit_fais")],
    "participa.administration.forms.ExportForm": NO_POST,
    "participa.social_councils.forms.CouncilForm": [Target("staff", "social_councils.index")],
    "participa.social_councils.forms.MemberForm": [Target("staff", "social_councils.add_member")],
    "participa.social_councils.forms.CouncilMeetingForm": [
        Target("staff", "social_councils.add_meeting")
    ],
    "participa.social_councils.forms.CouncilPledgeForm": [
        Target("staff", "social_councils.add_pledge")
    ],
    "participa.officeplan.forms.PlanForm": [Target("staff", "plan_manage.new_plan")],
    "participa.officeplan.forms.ActivityForm": [
        Target("staff", "plan_manage.new_activity"),
        Target("staff", "plan_manage.edit_activity"),
    ],
    "participa.officeplan.forms.EvidenceForm": [Target("staff", "plan_manage.add_evidence")],
    "participa.officeplan.forms.LinkForm": [Target("staff", "plan_manage.add_link")],
    "participa.officeplan.forms.RequestForm": [Target("staff", "office_requests.new")],
    "participa.officeplan.forms.ItemForm": [Target("staff", "office_requests.add_item")],
    "participa.officeplan.forms.RequestStatusForm": [Target("staff", "office_requests.set_status")],
    "participa.officeplan.forms.GuideForm": [Target("staff", "guides_manage.edit")],
    "participa.officeplan.forms.AdviceForm": [Target("staff", "advice.index")],
    # The empty form of POST buttons: only extra fields to send (a few of its many routes).
    "participa.core.forms.EmptyForm": [
        Target(None, "site.set_language"),
        Target("citizen", "events.register"),
        Target("staff", "moderation.restore"),
        Target("admin", "admin.set_active"),
        Target("staff", "social_councils.remove_member"),
    ],
}

# Forms built per request from stored rows: (target, endpoint of the page showing the form).
BUILT_FORMS = [
    (Target("citizen", "consultations.answer"), "consultations.answer"),
    (Target("citizen", "pb_voting.vote"), "pb_voting.vote"),
    (Target("council", "priorities.score"), "priorities.score"),
    (Target("staff", "council_manage.attendance"), "council_manage.session"),
    (Target("citizen", "notifications.settings"), "notifications.settings"),
]

# --- values --------------------------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "-0",
        "1e309",
        "NaN",
        "inf",
        "9" * 40,
        "-" + "9" * 25,
        "0x10",
        "1,5",
        "$1,000.50",
        "\x00",
        "\u202e\u0301\ufeff",
        "<script>alert(1)</script>",
        "'; DROP TABLE user; --",
        "../../etc/passwd",
        "2026-02-30",
        "null",
    ]
)
TEXT = st.one_of(
    NASTY,
    # Any code point but surrogates, control characters included; NUL is refused before any
    # view (tests/hardening/test_nul_characters.py), so it is kept to NASTY's one value.
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=["Cc", "Zs", "Mn"], exclude_characters="\x00"
        ),
        max_size=20,
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from([100, 201, 5000, 70_000]).map(lambda n: "ñ" * n),  # long
)
NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    NASTY,
)
DATE = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["0000-00-00", "9999-12-31", "0001-01-01", "31/12/2026", "2026-13-01"]),
    TEXT,
)
DATETIME = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(["2026-12-01T25:61", "2026-12-01", "T12:00"]),
    TEXT,
)
TIME = st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), st.just("25:61"), TEXT)
BOOLEAN = st.sampled_from(["y", "n", "on", "", "0", "1", "true", "false", "ñ"])
FILE_BYTES = st.one_of(
    st.just(b""),
    st.binary(max_size=300),
    st.sampled_from([b"\xff\xd8\xff\xe0not a jpeg", b"%PDF-1.4 broken", b"a,b\n1,2\n\xff\xfe"]),
)
FILE_NAME = st.sampled_from(["foto.jpg", "doc.pdf", "datos.csv", "x.exe", "", "../../a.jpg"])


def a_file():
    return st.tuples(FILE_BYTES, FILE_NAME).map(lambda f: (io.BytesIO(f[0]), f[1]))


def choice_values(field) -> st.SearchStrategy:
    values = [str(value) for value, *_ in (field.choices or [])] if field.choices else []
    return st.one_of(st.sampled_from(values), NUMBER, TEXT) if values else st.one_of(NUMBER, TEXT)


def value_for(field) -> st.SearchStrategy:
    """A strategy of posted values for one WTForms field (None: leave the field out)."""
    if isinstance(field, wtf.MultipleFileField):
        value = st.lists(a_file(), max_size=2)
    elif isinstance(field, wtf.FileField):
        value = a_file()
    elif isinstance(field, wtf.BooleanField):
        value = BOOLEAN
    elif isinstance(field, wtf.DateTimeLocalField | wtf.DateTimeField):
        value = DATETIME
    elif isinstance(field, wtf.DateField):
        value = DATE
    elif isinstance(field, wtf.TimeField):
        value = TIME
    elif isinstance(field, wtf.IntegerField | wtf.DecimalField | wtf.FloatField):
        value = NUMBER
    elif isinstance(field, wtf.SelectMultipleField):
        value = st.lists(choice_values(field), max_size=4)
    elif isinstance(field, wtf.SelectField | wtf.RadioField):
        value = choice_values(field)
    else:
        value = TEXT
    return st.one_of(st.none(), value)


def form_fields(form) -> list:
    """The form's fields, the subforms' ones flattened (their names are prefixed)."""
    found = []
    for item in form:
        if isinstance(item, wtf.FormField):
            found += form_fields(item.form)
        elif isinstance(item, wtf.FieldList):
            found += [entry for entry in item]
        elif item.name != "csrf_token":
            found.append(item)
    return found


def posted_data(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    extra = st.dictionaries(st.text(min_size=1, max_size=12), TEXT, max_size=2)

    def combine(parts):
        values, more = parts
        data = {name: value for name, value in values.items() if value is not None}
        return {**more, **data}

    return st.tuples(st.fixed_dictionaries(fields), extra).map(combine)


# --- discovery -----------------------------------------------------------------------------


def module_forms() -> dict[str, type]:
    """Every FlaskForm subclass defined at module level in participa/ (every module imported)."""
    for module in pkgutil.walk_packages(participa.__path__, "participa."):
        importlib.import_module(module.name)
    found, todo = {}, list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        module = sys.modules.get(cls.__module__)
        if cls.__module__.startswith("participa.") and getattr(module, cls.__name__, 0) is cls:
            found[f"{cls.__module__}.{cls.__name__}"] = cls
    return found


def fields_of_class(app, cls) -> dict[str, st.SearchStrategy]:
    with app.test_request_context(method="POST"):
        form = cls(formdata=None, meta={"csrf": False})
        return {f.name: value_for(f) for f in form_fields(form)}


FIELD_TAG = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.IGNORECASE)


def fields_of_page(html: str) -> dict[str, st.SearchStrategy]:
    """Field names (and a strategy by input type) of the forms on a page."""
    found = {}
    for tag, attrs in FIELD_TAG.findall(html):
        name = re.search(r'\bname="([^"]+)"', attrs)
        if not name or name.group(1) in ("csrf_token", "lang"):
            continue
        kind = re.search(r'\btype="([^"]+)"', attrs)
        kind = kind.group(1) if kind else tag.lower()
        if kind in ("submit", "button"):
            continue
        if kind in ("number", "range", "radio", "select", "checkbox"):
            found[name.group(1)] = st.one_of(st.none(), NUMBER, TEXT, st.lists(NUMBER, max_size=3))
        else:
            found[name.group(1)] = st.one_of(st.none(), TEXT)
    return found


class _PageValues(HTMLParser):
    """The values a page's form fields hold (what a person would send unchanged)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.values.setdefault(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, "")
        elif tag == "select" and name:
            self._select = name
        elif (
            tag == "option"
            and self._select
            and ("selected" in attrs or self._select not in self.values)
        ):
            self.values[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def page_values(world, role, url) -> dict[str, str]:
    """The field values of the page at `url` (when it shows its own form on a GET)."""
    response = world.client(role).get(url)
    if response.status_code != 200 or response.mimetype != "text/html":
        return {}
    parser = _PageValues()
    parser.feed(response.get_data(as_text=True))
    return parser.values


def with_defaults(fields: dict, defaults: dict) -> dict[str, st.SearchStrategy]:
    """Each field: often the page's own value (so the rest of the form is valid), else anything."""
    return {
        name: st.one_of(st.just(defaults[name]), st.just(defaults[name]), strategy)
        if name in defaults
        else strategy
        for name, strategy in fields.items()
    }


# --- the property --------------------------------------------------------------------------


def rule_urls(world, target: Target) -> list[str]:
    ids = world.world.ids | {name: world.world.ids[key] for name, key in target.args.items()}
    urls = []
    for rule in world.app.url_map.iter_rules(target.endpoint):
        if "POST" not in rule.methods:
            continue
        values = url_values(rule, ids, world.world.users, world.app.config["SECRET_KEY"])
        values |= {name: ids[name] for name in target.args if name in rule.arguments}
        urls.append(rule.build(values, append_unknown=False)[1])
    assert urls, f"{target.endpoint} has no POST rule"
    return sorted(urls)


def succeeded(response, client) -> bool:
    """A redirect that flashed no error (the role is allowed: a login page is a success's)."""
    if response.status_code not in (301, 302, 303):
        return False
    with client.session_transaction() as session:
        flashes = session.get("_flashes", [])
    return not any(category == "error" for category, _ in flashes)


def fuzz(world, target: Target, fields: dict[str, st.SearchStrategy]) -> None:
    urls = rule_urls(world, target)
    defaults = {}
    for url in urls:  # an edit page shows the stored values in its own form
        defaults |= page_values(world, target.role, url)
    fields = with_defaults(fields, defaults)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(url=st.sampled_from(urls), data=posted_data(fields))
    def post_anything(url, data):
        client = world.client(target.role)
        response = client.post(url, data=data)
        where = f"{target.role or 'anonymous'} POST {url} {data!r:.600}"
        assert response.status_code < 500, where
        ok = succeeded(response, client)
        tables = world.written()  # and the world is put back for the next example
        assert ok or not tables, f"{where}: answered {response.status_code} but wrote {tables}"

    post_anything()


def targets() -> list:
    params = []
    for name, entry in sorted(FORMS.items()):
        for target in entry if isinstance(entry, list) else []:
            params.append(pytest.param(name, target, id=f"{name.split('.')[-1]}-{target.endpoint}"))
    return params


@pytest.mark.parametrize(("form_name", "target"), targets())
def test_a_form_never_fails_nor_half_writes(world, form_name, target):
    cls = module_forms()[form_name]
    fuzz(world, target, fields_of_class(world.app, cls))


@pytest.mark.parametrize(("target", "page"), BUILT_FORMS, ids=lambda t: getattr(t, "endpoint", ""))
def test_a_form_built_from_the_database_never_fails_nor_half_writes(world, target, page):
    ids = world.world.ids | {name: world.world.ids[key] for name, key in target.args.items()}
    rule = next(world.app.url_map.iter_rules(page))
    values = url_values(rule, ids, world.world.users, world.app.config["SECRET_KEY"])
    values |= {name: ids[name] for name in target.args if name in rule.arguments}
    html = world.client(target.role).get(rule.build(values, append_unknown=False)[1])
    assert html.status_code == 200, page
    fields = fields_of_page(html.get_data(as_text=True))
    assert fields, f"no form fields found on {page}"
    fuzz(world, target, fields)


def test_every_form_is_mapped(app):
    found = set(module_forms())
    missing = sorted(found - set(FORMS))
    assert missing == [], f"forms without a fuzzing entry in FORMS: {missing}"
    assert sorted(set(FORMS) - found) == [], "FORMS names forms that no longer exist"
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    for entry in FORMS.values():
        for target in entry if isinstance(entry, list) else []:
            assert target.endpoint in endpoints, target


def test_the_write_check_can_fail(world):
    """A committed change is seen by `written()`, and the world is put back afterwards."""
    assert world.written() == []
    db.session.execute(db.text("UPDATE colonia SET population = population + 1"))
    db.session.commit()
    assert world.written() == ["colonia"]
    assert world.written() == []


# --- regressions found by fuzzing -----------------------------------------------------------


def test_saving_a_work_without_its_cost_field_keeps_the_cost(world):
    """A POST without `estimated_cost` fell back to the stored number, an int: a 500."""
    work = db.session.get(Work, world.world.ids["work"])
    cost = work.estimated_cost
    response = world.client("staff").post(f"/gestion/obras/{work.id}/editar", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Work, work.id).estimated_cost == cost


def test_saving_a_question_without_its_options_field_is_a_clear_refusal(world):
    """A POST without `options` fell back to the question's option rows: a 500."""
    ids = world.world.ids
    question = db.session.get(Question, ids["draft_question"])
    labels = [o.label for o in question.options]
    assert labels  # a single-choice question
    url = f"/gestion/procesos/{ids['draft_consultation']}/cuestionario/preguntas/{question.id}"
    response = world.client("staff").post(url, data={"text": "¿Qué hace falta?"})
    assert response.status_code == 400
    assert "opci" in response.get_data(as_text=True).lower()
    assert world.written() == []


def test_a_huge_hand_count_is_a_clear_refusal(world):
    """A count beyond what the column holds overflowed at the commit: a 500."""
    event_id = db.session.get(HandVote, world.world.ids["event_vote"]).event_id
    event = db.session.get(Event, event_id)
    url = f"/gestion/procesos/{event.process_id}/eventos/{event.id}/votaciones"
    data = {"motion": "Aprobar el orden del día", "votes_against": "0", "abstentions": "0"}
    response = world.client("staff").post(url, data={**data, "votes_for": str(2**70)})
    assert response.status_code == 400
    assert "1,000,000" in response.get_data(as_text=True)
    assert world.written() == []
