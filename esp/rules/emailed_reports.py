"""Self-reports that reached the Cert Coordinator by e-mail, pasted as one block (seed 000,
issue 15 item 5). Pure: the caller passes the class's agents.

The format (docs/decisions-r-agent.md): a report starts on a line that begins with the
agent's employee ID or name ("First Last" or "Last, First"), then a colon or " - ", then the
e-mail's text; the lines after it, up to the next agent's line, continue that text (kept
as one line of the note, the lines joined with " | ", like the self-report form's answers).

    E1001: Finished TBTs 3 and 4, waiting for a certifier
    Ann Able - AHIP module 5 done.
    Blocked: Citrix will not open.
    Baker, Bob: all TBTs done

Every problem is reported with its line; nothing is taken when there is one (the service
saves all or nothing). A line that starts like an unknown employee ID is an error; one that
starts like an unknown name ("Bob Bakr: ...") is kept as text, with a warning the preview
shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_TEXT = 4000  # characters of one agent's text
SEPARATORS = (":", " - ", " – ")
_ID_LIKE = re.compile(r"^[A-Za-z]{0,3}\d[\w-]{0,19}$")
_NAME_LIKE = re.compile(r"^[A-Z][\w'’.-]*(?:,? [A-Z][\w'’.-]*){1,3}$")


@dataclass(frozen=True)
class Person:
    """One agent the block may name."""

    employee_id: str
    first_name: str
    last_name: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Report:
    line: int  # where the agent is named (1-based)
    employee_id: str
    name: str
    text: str


@dataclass
class Parsed:
    reports: list[Report] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "Line 3: ..." each
    warnings: list[str] = field(default_factory=list)


def folded(text: str) -> str:
    """Case, accents and spacing folded: 'José  Núñez' -> 'jose nunez'."""
    bare = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _keys(person: Person) -> set[str]:
    first, last = person.first_name.strip(), person.last_name.strip()
    return {
        folded(person.employee_id),
        folded(f"{first} {last}"),
        folded(f"{last}, {first}"),
        folded(f"{last},{first}"),
    }


def directory(people: Iterable[Person]) -> dict[str, list[Person]]:
    """Each way of naming an agent (employee ID, 'first last', 'last, first') -> the agents."""
    found: dict[str, list[Person]] = {}
    for person in people:
        for key in _keys(person):
            found.setdefault(key, []).append(person)
    return found


def _split(line: str) -> list[tuple[str, str]]:
    """The (who, text) splits of a line at each separator, the earliest first."""
    splits = []
    for sep in SEPARATORS:
        at = line.find(sep)
        if 0 < at <= 80:
            splits.append((at, line[:at].strip(), line[at + len(sep) :].strip()))
    return [(who, text) for _, who, text in sorted(splits)]


def _header(line: str, names: dict[str, list[Person]]):
    """(who as written, the agents it names, the text after it) when the line starts with
    something that names agents, else (who, [], "") for the first split, else None."""
    splits = _split(line)
    for who, text in splits:
        people = names.get(folded(who))
        if people:
            return who, people, text
    return (splits[0][0], [], "") if splits else None


class _Reader:
    """One pass over the block's lines (see `parse`)."""

    def __init__(self, people: Iterable[Person], where: str):
        self.names, self.where = directory(people), where
        self.parsed = Parsed()
        self.current: Report | None = None
        self.skipping = False  # the lines after a refused agent line belong to nobody
        self.seen: dict[str, int] = {}
        self.lines: dict[int, list[str]] = {}

    def error(self, number: int, text: str) -> None:
        self.parsed.errors.append(f"Line {number}: {text}")

    def agent_line(self, number: int, who: str, found: list[Person], text: str) -> None:
        self.current, self.skipping = None, True
        if len(found) > 1:
            ids = ", ".join(p.employee_id for p in found)
            self.error(
                number,
                f"'{who}' names {len(found)} agents of {self.where} ({ids}): use the employee ID.",
            )
            return
        person = found[0]
        if person.employee_id in self.seen:
            self.error(
                number,
                f"{person.name} is named again (first on line "
                f"{self.seen[person.employee_id]}): put each agent's text under one line.",
            )
            return
        self.seen[person.employee_id] = number
        self.current, self.skipping = Report(number, person.employee_id, person.name, ""), False
        self.parsed.reports.append(self.current)
        self.lines[number] = [text] if text else []

    def text_line(self, number: int, who: str, line: str) -> None:
        if who and _ID_LIKE.match(who):
            self.error(number, f"no agent of {self.where} has the employee ID '{who}'.")
            self.current, self.skipping = None, True
        elif self.skipping:
            return
        elif self.current is None:
            self.skipping = True
            self.error(
                number,
                "start with the agent's employee ID or name and a colon, e.g. "
                "'E1001: Finished TBT 3' or 'Ann Able: Finished TBT 3'.",
            )
        else:
            if who and _NAME_LIKE.match(who):
                self.parsed.warnings.append(
                    f"Line {number} starts with '{who}', which names no agent of {self.where}: "
                    f"it is kept as part of {self.current.name}'s text."
                )
            self.lines[self.current.line].append(line)

    def finish(self) -> Parsed:
        parsed = self.parsed
        for report in parsed.reports:
            report.text = " | ".join(" ".join(t.split()) for t in self.lines[report.line])
            if not report.text:
                self.error(report.line, f"no text for {report.name}.")
            elif len(report.text) > MAX_TEXT:
                self.error(
                    report.line,
                    f"{report.name}'s text is {len(report.text)} characters; at most {MAX_TEXT}.",
                )
        if not parsed.reports and not parsed.errors:
            parsed.errors.append(
                "Paste at least one report: a line naming the agent, then the text."
            )
        parsed.errors.sort(key=_line_of)
        return parsed


def parse(block: str, people: Iterable[Person], where: str = "the class") -> Parsed:
    """The reports of `block`, or the errors naming their lines (see the module's format).
    `where` names the agents' class in the messages."""
    reader = _Reader(people, where)
    for number, raw in enumerate(block.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        header = _header(line, reader.names)
        if header is not None and header[1]:
            reader.agent_line(number, *header)
        else:
            reader.text_line(number, header[0] if header else "", line)
    return reader.finish()


def _line_of(error: str) -> int:
    match = re.match(r"Line (\d+):", error)
    return int(match.group(1)) if match else 0
