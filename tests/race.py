"""Simultaneous attempts for the one-vote-per-person and race tests: POSTs by one logged-in
person (`simultaneous_posts`), service calls in threads (`run_at_once`), a save sneaked in."""

import threading
from collections import Counter
from contextlib import contextmanager

from sqlalchemy import event as sa_event

from participa.core.errors import DomainError
from participa.extensions import db
from tests.factories import login


def simultaneous_posts(app, email: str, path: str, data: dict, attempts: int):
    """POST `data` to `path` `attempts` times at once as `email`; return statuses and pages."""
    first = app.test_client()
    assert login(first, email).status_code == 302
    cookie = first.get_cookie("session")
    clients = [first]
    for _ in range(attempts - 1):
        other = app.test_client()
        other.set_cookie(cookie.key, cookie.value, domain=cookie.domain or "localhost")
        clients.append(other)
    db.session.remove()  # the main thread holds no connection or transaction during the race

    barrier = threading.Barrier(attempts)
    results: list = [None] * attempts

    def attempt(index: int):
        barrier.wait(timeout=10)
        try:
            response = clients[index].post(path, data=data)
            results[index] = (response.status_code, response.get_data(as_text=True))
        except Exception as error:  # noqa: BLE001 - a crash is a result to report
            results[index] = (f"crash: {error!r}", "")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return Counter(status for status, _page in results), [page for _status, page in results]


@contextmanager
def saved_first_by_someone_else(statement):
    """Run `statement` (another person's save) just before the session's next flush writes,
    as when two people press "Save" at the same moment and the other one is a hair faster."""
    session = db.session()

    def sneak_in(session, _context, _instances):
        session.connection().execute(statement)

    sa_event.listen(session, "before_flush", sneak_in, once=True)
    try:
        yield
    finally:
        if sa_event.contains(session, "before_flush", sneak_in):
            sa_event.remove(session, "before_flush", sneak_in)


def run_at_once(app, attempts) -> list:
    """Run each attempt (a function) in its own thread and app context at once; return their
    results: what it returned, the DomainError it raised; a crash fails the test."""
    db.session.remove()  # the main thread holds no connection or transaction during the race
    barrier = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)

    def go(index, attempt):
        with app.app_context():
            barrier.wait(timeout=10)
            try:
                results[index] = attempt()
            except DomainError as error:
                results[index] = error
            except Exception as error:  # noqa: BLE001 - a crash is a result to report
                results[index] = f"crash: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=go, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    crashes = [r for r in results if isinstance(r, str) and r.startswith("crash")]
    assert not crashes, crashes
    return results
