// Reads an .ics on stdin with ical.js (Mozilla's parser, used by Thunderbird and many web
// calendars) and prints each occurrence's start and end in UTC, one pair per line.
// Run by tests/classrooms/test_ics_clients.py when node and ical.js are present.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.ESP_ICALJS_DIR + "/");
const ICAL = require("ical.js");

const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const event = new ICAL.Event(root.getFirstSubcomponent("vevent"));
const length = event.endDate.subtractDate(event.startDate);
const expansion = event.iterator();
for (let start = expansion.next(); start; start = expansion.next()) {
  const end = start.clone();
  end.addDuration(length);
  console.log(`${start.toJSDate().toISOString()} ${end.toJSDate().toISOString()}`);
}
