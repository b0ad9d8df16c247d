"""Every route of the URL map x every role gets the declared outcome; refusals write nothing.

The routes come from `app.url_map` (every endpoint and method but HEAD/OPTIONS; static files
aside), their arguments from one real object of each kind (tests/hardening/world.py; an
argument without an object fails). Each (endpoint, method) must be in ACCESS below: a new
route fails this test until someone decides who may use it. POSTs are sent with an empty
form (CSRF is off here): a refused one must leave every row of every table as it was.
"""

import pytest

from tests.hardening.world import url_values

ROLES = (None, "citizen", "council", "staff", "admin")

# Outcomes. ALLOWED: the view ran for this role (any status but 401/403/404/405/5xx and no
# redirect to the login page; an empty form may well get 400 or 409 back). LOGIN: anonymous
# is sent to log in (GET: 302 to /cuenta/entrar?next=..., POST: 401 or that redirect).
# DENIED: 403. HIDDEN: 404 (the page does not exist for this role, or the object is not
# public yet).
ALLOWED, LOGIN, DENIED, HIDDEN = "allowed", "login", "denied", "hidden"


def _classes(anonymous, citizen, council, staff, admin):
    return dict(zip(ROLES, (anonymous, citizen, council, staff, admin), strict=True))


PUBLIC = _classes(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED)
ACCOUNT = _classes(LOGIN, ALLOWED, ALLOWED, ALLOWED, ALLOWED)  # any logged-in person
OWNER = _classes(LOGIN, ALLOWED, DENIED, DENIED, DENIED)  # the citizen owns the object
STAFF = _classes(LOGIN, DENIED, DENIED, ALLOWED, ALLOWED)
COUNCIL = _classes(LOGIN, DENIED, ALLOWED, ALLOWED, ALLOWED)  # council reads, staff too
COUNCIL_ONLY = _classes(LOGIN, DENIED, ALLOWED, DENIED, DENIED)  # a member's own scores
ADMIN = _classes(LOGIN, DENIED, DENIED, DENIED, ALLOWED)
TOTP_ROLES = _classes(LOGIN, HIDDEN, ALLOWED, ALLOWED, ALLOWED)  # residents have no 2FA page
PENDING_LOGIN = _classes(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)  # no password step pending
NOT_PUBLISHED = _classes(HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)  # see the note below
STAFF_NOTICE = _classes(LOGIN, HIDDEN, HIDDEN, ALLOWED, ALLOWED)  # others' notices are not found

# Public pages and downloads: anyone, logged in or not.
PUBLIC_ENDPOINTS = """
site.home site.privacy site.health site.alive site.set_language
auth.login auth.register auth.forgot_password auth.reset_link auth.reset_password
contact.confirm_email
contact.reset_by_phone contact.reset_by_code
processes.index processes.detail
receipts.check results.public pb_results.public results.aggregate_csv results.responses_csv
results.responses_xlsx
pb_projects.index pb_projects.detail pb_projects.map_view
proposals.index proposals.detail proposals.map_view
events.detail events.ics events.printable
oversight.work collaboration.summary
council_public.public_index council_public.public_agreements council_public.public_agreement
council_public.public_session council_public.public_print council_public.public_version
works_public.public_list works_public.public_work works_public.history_csv works_public.map_view
works_public.history_json works_public.priorities_csv works_public.priorities_json
notifications.unsubscribe
guides.rights guides.mechanisms guides.mechanism
audit_public.checkpoint_list audit_public.checkpoints_csv audit_public.checkpoints_json
search.results
territory.colonia_at
"""
# Taking part: any logged-in account (eligibility is a rule of the service, not of access).
ACCOUNT_ENDPOINTS = """
auth.account auth.logout
contact.confirm contact.resend_email contact.resend_code contact.confirm_phone
contact.change_email contact.change_phone
consultations.answer consultations.receipt
pb_voting.vote pb_voting.receipt pb_projects.propose
proposals.new proposals.support proposals.comment proposals.report proposals.report_comment
proposals.follow proposals.unfollow works_public.follow works_public.unfollow
notifications.inbox notifications.settings residents.participations
events.register events.cancel events.ask events.support events.comment events.report_comment
events.report_question
oversight.file_finding oversight.report_finding
collaboration.pledge collaboration.mine
"""
# The residents' own objects: their pledge, their proposal.
OWNER_ENDPOINTS = "collaboration.cancel proposals.edit"
# The office's pages (/gestion): staff and administrators.
STAFF_ENDPOINTS = """
manage.manage_index manage.manage manage.edit manage.change_status manage.add_phase
manage.edit_phase manage.delete_phase
builder.index builder.edit builder.change builder.preview
pb_ballots.edit pb_review.manage pb_review.review pb_review.edit pb_review.execution
pb_review.import_csv pb_review.add pb_review.example_csv
pb_counting.manage pb_counting.save_counted pb_counting.save_manual
pb_counting.publish pb_counting.count_now
proposals_manage.index proposals_manage.proposal proposals_manage.approve
proposals_manage.convert proposals_manage.answer proposals_manage.settings
moderation.queue moderation.hide moderation.restore moderation.account
oversight_manage.manage_findings oversight_manage.manage_finding oversight_manage.change_status
oversight_manage.show oversight_manage.hide oversight_manage.answer oversight_manage.edit_work
oversight_manage.delete_work
collaboration_manage.manage collaboration_manage.detail collaboration_manage.deliver
collaboration_manage.export collaboration_manage.walk_in
events_manage.edit events_manage.manage events_manage.record_page events_manage.save_minutes
events_manage.publish_minutes events_manage.add_agreement events_manage.delete_agreement
events_manage.attendance_page events_manage.mark_attended events_manage.walk_in
events_manage.registrations_csv events_manage.set_aside events_manage.answer_question
events_manage.add_vote events_manage.delete_vote
council_manage.index council_manage.session council_manage.new_session
council_manage.new_member council_manage.edit_member council_manage.add_item
council_manage.change_item council_manage.attendance council_manage.mark_held
council_record.save_minutes council_record.approve_minutes council_record.correct_minutes
council_record.add_agreement council_record.agreement council_record.add_operation
council_operations.index council_operations.set_status council_operations.export
works.index works.new works.detail works.edit works.add_task works.toggle_task
works.remove_task
works_followup.index works_followup.work_report works_followup.session_followup
works_followup.session_report
priorities.add_criterion priorities.remove_criterion priorities.set_candidates
priorities.change_status
priorities.index:POST
background.index background.job background.download results.prepare_responses
eligibility.rolls eligibility.roll eligibility.conflict_list eligibility.resolve
eligibility.desk_search eligibility.person eligibility.verify eligibility.undo
eligibility.process_rule
tables.index tables.edit tables.detail tables.received tables.tablet tables.person
tables.next_person tables.vote tables.paper tables.receipt
table_batches.new table_batches.batch table_batches.start table_batches.paper
table_batches.spoiled table_batches.finish table_batches.resolve
administration.index administration.edit_meeting administration.meeting
administration.add_commitment administration.commitment
administration_fais.edit_fais administration_fais.export_form
social_councils.index social_councils.council social_councils.add_member
social_councils.remove_member social_councils.add_meeting social_councils.add_pledge
social_councils.minutes_pdf
plan_manage.new_plan plan_manage.new_activity plan_manage.edit_activity plan_manage.add_evidence
plan_manage.add_link plan_manage.remove_link
office_requests.index office_requests.export office_requests.new office_requests.detail
office_requests.add_item office_requests.set_status
guides_manage.index guides_manage.edit guides_manage.version guides_manage.restore
advice.index advice.export
boundaries.index
"""
# The council's reading pages (/consejo) and its prioritisation rounds.
COUNCIL_ENDPOINTS = """
results.dashboard results.dashboard_section works_council.read_index works_council.read_session
council_read.index council_read.session council_read.print_minutes council_read.version
council_read.agreement administration_read.read_index administration_read.read_meeting
priorities.index:GET priorities.manage priorities.presentation priorities.timeline
priorities.results
plan_read.index plan_read.show plan_read.printable plan_read.activity
"""
COUNCIL_ONLY_ENDPOINTS = "priorities.score"  # a member scores for themself
ADMIN_ENDPOINTS = """
admin.index admin.audit admin.users admin.new_user admin.set_active admin.set_role
admin.reset_totp territory.index territory.colonia territory.import_csv
"""
# Files are served only when a row names them; the world has no uploaded photo or
# attachment, and the budget's ballots are not downloadable while it is open: 404 for all
# (its results page says when they are expected: public).
# (A social council's minutes PDF is in the world: social_councils.minutes_pdf is staff's,
# as are all the social councils' pages, which keep members' contacts.)
# (tests/hardening/test_object_access.py checks unpublished objects from the other side.)
NOT_PUBLISHED_ENDPOINTS = """
oversight.photo pb_projects.photo proposals.attachment works_public.photo
pb_results.download
"""

ACCESS = {}
for _names, _outcomes in (
    (PUBLIC_ENDPOINTS, PUBLIC),
    (ACCOUNT_ENDPOINTS, ACCOUNT),
    (OWNER_ENDPOINTS, OWNER),
    (STAFF_ENDPOINTS, STAFF),
    (COUNCIL_ENDPOINTS, COUNCIL),
    (COUNCIL_ONLY_ENDPOINTS, COUNCIL_ONLY),
    (ADMIN_ENDPOINTS, ADMIN),
    (NOT_PUBLISHED_ENDPOINTS, NOT_PUBLISHED),
    ("auth.two_factor", TOTP_ROLES),
    ("eligibility_account.add_key", OWNER),  # a resident's own roll keys; staff use the desk
    ("auth.login_code", PENDING_LOGIN),
    ("notifications.read", STAFF_NOTICE),  # the world's notice is the staff's
    # The plan's evidence files are the council's; the world has none, so 404 once let in.
    ("plan_read.evidence", _classes(LOGIN, DENIED, HIDDEN, HIDDEN, HIDDEN)),
    # A project's photo on the staff pages (drafts too): the world has none, 404 once let in.
    ("pb_review.photo", _classes(LOGIN, DENIED, DENIED, HIDDEN, HIDDEN)),
):
    for _name in _names.split():
        assert _name not in ACCESS, f"{_name} is listed twice"
        ACCESS[_name] = _outcomes


def expected(endpoint: str, method: str) -> dict:
    """The declared outcomes of `endpoint` for `method` ("endpoint:METHOD" entries first)."""
    outcomes = ACCESS.get(f"{endpoint}:{method}") or ACCESS.get(endpoint)
    assert outcomes is not None, (
        f"{endpoint} ({method}) is not in the authorisation table of {__name__}: decide who "
        "may use it and add it"
    )
    return outcomes


def routes(app) -> list[tuple]:
    """(rule, method) for every rule of the URL map (static aside), HEAD/OPTIONS left out."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        found += [(rule, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def build_url(world, rule) -> str:
    """The URL of this very rule (an endpoint may have several) with the world's objects."""
    values = url_values(rule, world.world.ids, world.world.users, world.app.config["SECRET_KEY"])
    _, path = rule.build(values, append_unknown=False)
    return path


def outcome(response) -> str:
    status = response.status_code
    location = response.headers.get("Location", "")
    if status in (301, 302, 303) and "/cuenta/entrar" in location:
        return LOGIN
    if status == 401:
        return LOGIN
    if status == 403:
        return DENIED
    if status == 404:
        return HIDDEN
    return ALLOWED


def test_every_route_is_in_the_table(world):
    missing = [
        f"{rule.endpoint}:{method}"
        for rule, method in routes(world.app)
        if (ACCESS.get(f"{rule.endpoint}:{method}") or ACCESS.get(rule.endpoint)) is None
    ]
    assert missing == [], "routes without a declared access: " + ", ".join(missing)
    endpoints = {rule.endpoint for rule, _ in routes(world.app)}
    stale = [key for key in ACCESS if key.split(":")[0] not in endpoints]
    assert stale == [], f"the table names endpoints that no longer exist: {stale}"


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_every_route_gives_each_role_the_declared_outcome(world, role):
    failures = []
    for rule, method in routes(world.app):
        want = expected(rule.endpoint, method)[role]
        url = build_url(world, rule)
        # Closed at once: an unread streamed download (CSV, XLSX) left to the garbage collector
        # would pop its request context in the middle of a later request's.
        with world.client(role).open(url, method=method) as response:
            got = outcome(response)
        where = f"{method} {url} ({rule.endpoint}) as {role or 'anonymous'}"
        assert response.status_code < 500, where
        assert response.status_code != 405, where
        if got != want:
            failures.append(f"{where}: {want} expected, got {response.status_code} ({got})")
        tables = world.written()  # and the world is put back for the next request
        if got != ALLOWED and tables:
            failures.append(f"{where}: refused ({response.status_code}) but wrote {tables}")
    assert failures == [], "\n".join(failures)


def test_an_anonymous_get_is_sent_to_log_in_and_back(world):
    response = world.client(None).get("/gestion/procesos/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cuenta/entrar?next=/gestion/procesos/")


def test_a_write_is_noticed_by_the_check(world):
    """The no-write check can fail: an allowed POST that writes shows up."""
    response = world.client("staff").post(f"/avisos/{world.world.ids['notice']}/leido")
    assert response.status_code == 302
    assert world.written() == ["notification"]


# POST routes whose authority is not the session, each with its reason and its own test.
CSRF_EXEMPT = {
    "notifications.unsubscribe": "RFC 8058 one-click from a mail: the signed token decides "
    "(tests/notifications/test_preferences.py)",
}


def test_every_post_route_needs_the_csrf_token(world, monkeypatch):
    """With CSRF on (production), a POST without its token is refused on every route."""
    monkeypatch.setitem(world.app.config, "WTF_CSRF_ENABLED", True)
    failures = []
    for rule, method in routes(world.app):
        if method != "POST" or rule.endpoint in CSRF_EXEMPT:
            continue
        outcomes = expected(rule.endpoint, method)
        role = next((r for r in ROLES if outcomes[r] == ALLOWED), None)
        url = build_url(world, rule)
        response = world.client(role).post(url, data={"name": "x", "title": "x"})
        tables = world.written()
        if response.status_code != 400 or tables:
            failures.append(f"{url} as {role}: {response.status_code}, wrote {tables}")
    assert failures == [], "\n".join(failures)
