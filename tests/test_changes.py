"""Copies kept while no change is heard of: the most recently used, all dropped at a notice, none while
nothing listens, and none of an answer read while a change was heard of."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from seminar import changes


@pytest.fixture
def heard() -> Iterator[None]:
    """The process hears notices for the test's length, as when its listener is connected."""
    changes.listening(True)
    yield
    changes.listening(False)


def test_the_most_recently_used_are_kept(heard: None) -> None:
    kept: changes.Kept[str, int] = changes.Kept(size=2)
    since = changes.stamp()
    kept.keep("a", 1, since)
    kept.keep("b", 2, since)
    assert kept.get("a", since) == 1
    kept.keep("c", 3, since)

    assert (kept.get("a", since), kept.get("b", since), kept.get("c", since)) == (1, None, 3)
    assert len(kept) == 2


def test_a_notice_drops_everything_and_its_repeats_count_once(heard: None) -> None:
    kept: changes.Kept[str, int] = changes.Kept(size=10)
    since = changes.stamp()
    kept.keep("a", 1, since)
    changes.heard("9001")
    after = changes.stamp()
    kept.keep("b", 2, after)
    changes.heard("9001")  # the same transaction's notice, on another of the process's connections

    assert kept.get("a", after) is None and kept.get("b", changes.stamp()) == 2 and after != since


def test_an_answer_read_while_a_change_was_heard_of_is_not_kept(heard: None) -> None:
    kept: changes.Kept[str, int] = changes.Kept(size=10)
    since = changes.stamp()  # as the query is sent
    changes.heard("9002")  # committed while it ran: its answer may be from before
    kept.keep("a", 1, since)

    assert kept.get("a", changes.stamp()) is None and len(kept) == 0


def test_nothing_is_kept_or_used_while_nothing_listens() -> None:
    kept: changes.Kept[str, int] = changes.Kept(size=10)
    changes.listening(True)
    since = changes.stamp()
    kept.keep("a", 1, since)
    changes.listening(False)
    kept.keep("b", 2, changes.stamp())

    assert changes.stamp() is None and kept.get("a", changes.stamp()) is None
    changes.listening(True)  # back: what was kept before the gap stays unused
    try:
        assert kept.get("a", changes.stamp()) is None and kept.get("b", changes.stamp()) is None
    finally:
        changes.listening(False)
