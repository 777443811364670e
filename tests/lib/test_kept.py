"""esp.lib.kept.Kept: the bounded mapping the policy, calendar and outlook caches share."""

from esp.lib.kept import Kept


def test_it_keeps_at_most_its_size():
    kept = Kept(2)
    for key in "abc":
        kept[key] = key.upper()
    assert list(kept) == ["b", "c"]


def test_it_lets_the_least_recently_read_go_first():
    kept = Kept(2)
    kept["a"], kept["b"] = 1, 2
    assert kept.get("a") == 1  # read: a stays
    kept["c"] = 3
    assert dict(kept) == {"a": 1, "c": 3}
    assert kept.get("b") is None
    assert kept.get("b", 0) == 0


def test_a_write_again_counts_as_recent():
    kept = Kept(2)
    kept["a"], kept["b"] = 1, 2
    kept["a"] = 10
    kept["c"] = 3
    assert dict(kept) == {"a": 10, "c": 3}
