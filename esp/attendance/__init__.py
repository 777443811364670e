"""Meeting attendance import (SPEC R-A3, §15 "Meeting attendance"): a meeting report of one
class day becomes proposed occurrences, proposed absences and unmatched rows; what a person
(or the command line) confirms is saved as ordinary ``attendance`` facts.

The work is done by

    sources.py    what a file is (CSV in UTF-8 or cp1252, .xlsx, .xls) and which provider's
                  report it holds, by its content (no database)
    zones.py      the time zone a report states, and its times read in the program's
    parse.py      reading and checking the file (no database)
    mapping.py    column mappings of layouts the app does not know: the header mapped, the
                  layout's key, a duration column (no database; issue 16 item 7)
    models.py     MeetingColumns: a layout's mapping remembered per program
    match.py      matching rows to agents, classifying their joins (no database)
    selectors.py  the class day's times, the class's agents, ``propose_meeting`` (reads only)
    services.py   ``meeting_save``: the confirmed save (one transaction, audited)

API::

    propose_meeting(source, *, class_code, day, columns=None) -> MeetingResult
    meeting_save(*, result, now, actor=None, absent_as=None, source="meeting") -> MeetingSaved
    meeting_columns_remember(*, program, header, columns, now, actor) -> MeetingColumns
    remembered_columns(program, table) -> MeetingColumns | None
    parse_meeting(source, *, day, time_zone, columns=None) -> ParsedMeeting   (no database)
    class_day_times(training_class, day) -> DayTimes                          (R-A1)
"""
