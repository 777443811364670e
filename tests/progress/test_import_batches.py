"""The activity import a batch at a time (issue 14 item 4): equal rows are numbered across
batches, a bad row after staged batches still rejects the whole file and leaves nothing
staged, and the progress counts every row read, new or not."""

from __future__ import annotations

import pytest

from esp.lib.csvio import ImportRejected
from esp.progress.models import Fact, StagedFact
from esp.progress.services import activity
from esp.progress.services.activity import import_activity

HEADER = "date,employee_id,kind,item,value,by,note"
FAILED = "2026-11-06,E001,exam,ahip,failed,licensing@cxp.example,"


@pytest.fixture
def agents(program, write):
    from esp.roster.services import import_classes, import_roster

    import_classes(
        write("class_code,program,campaign,site,start_date\nAET-A,esp-aetna,Aetna,SLC,2026-11-02\n")
    )
    import_roster(
        write(
            "employee_id,first_name,last_name,work_email,personal_email,class_code\n"
            + "".join(
                f"E00{n},First{n},Last{n},a{n}@cxp.example,a{n}@mail.example,AET-A\n"
                for n in (1, 2)
            )
        )
    )


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(activity, "STAGE_BATCH", 3)


def notes(count: int, start: int = 0) -> list[str]:
    return [f"2026-11-{2 + n % 20:02d},E002,note,,,tl,note {n}" for n in range(start, count)]


def test_equal_rows_in_different_batches_are_numbered_in_file_order(agents, write, small_batches):
    """SPEC §16: the n-th equal row is the n-th fact, whichever batch it falls in."""
    lines = [HEADER]
    for n in range(7):
        lines += [FAILED, *notes(n + 1, n)]
    path = write("\n".join(lines))
    assert import_activity(path).created == 14
    failed = Fact.objects.filter(kind="exam").order_by("pk")
    assert list(failed.values_list("occurrence", flat=True)) == list(range(7))
    again = import_activity(path)
    assert (again.created, again.unchanged) == (0, 14)
    bigger = write("\n".join([*lines, FAILED]))
    summary = import_activity(bigger)
    assert (summary.created, summary.unchanged) == (1, 14)
    assert failed.last().occurrence == 7


def test_a_bad_row_after_staged_batches_rejects_the_file_and_leaves_nothing(
    agents, write, small_batches
):
    """STYLE §5: the batches staged before the bad row are dropped; every error is named."""
    lines = [
        HEADER,
        *notes(7),
        "2026-11-04,E999,note,,,tl,x",
        *notes(9, 7),
        "bad-date,E001,note,,,tl,y",
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_activity(write("\n".join(lines)))
    assert [str(e) for e in rejected.value.errors] == [
        "line 9, column employee_id: unknown agent 'E999'",
        "line 12, column date: 'bad-date' is not a date (expected YYYY-MM-DD)",
    ]
    assert Fact.objects.count() == 0 and StagedFact.objects.count() == 0


def test_a_dry_run_counts_across_batches_and_stages_nothing(agents, write, small_batches):
    path = write("\n".join([HEADER, *notes(8)]))
    import_activity(write("\n".join([HEADER, *notes(3)])))
    staged = []
    summary = import_activity(
        path, dry_run=True, progress=lambda n: staged.append(StagedFact.objects.count())
    )
    assert (summary.created, summary.unchanged) == (5, 3)
    assert staged == [0, 0, 0] and Fact.objects.count() == 3


def test_progress_counts_every_row_read_when_none_is_new(agents, write, small_batches):
    """The CLI's bar moves on a re-import too (it counts rows read, not facts added)."""
    path = write("\n".join([HEADER, *notes(8)]))
    import_activity(path)
    done = []
    assert import_activity(path, progress=done.append).created == 0
    assert done == [3, 3, 2]
