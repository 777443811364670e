"""The four default troubleshooting playbooks of the seeds (R-Q2), loaded by `initialize()`.

Loading adds a missing playbook with its steps and leaves an existing one (which an ESP
Manager may have edited in the admin) as it is.
"""

from __future__ import annotations

from django.db import transaction

from .models import Playbook, PlaybookStep

DEFAULT_PLAYBOOKS = [
    {
        "key": "general",
        "name": "General troubleshooting",
        "description": "Technical issues on the agent's computer or browser.",
        "escalation": Playbook.EQUIPMENT,
        "steps": [
            "Use Chrome first.",
            "Try Firefox next, then another browser.",
            "Verify sufficient internet speed (run a speed test).",
            "Close any streaming services or other programs using the connection.",
            "Contact cXp IT through the IT chat: from a company computer at itchat.cxpxe.net, "
            "from personal equipment at public-itchat.cxpxe.net. Record the IT ticket number.",
        ],
    },
    {
        "key": "carrier-site",
        "name": "Carrier-site issues (AHIP / Aetna)",
        "description": "Issues on the carrier's sites that are outside what cXp IT handles.",
        "escalation": Playbook.CARRIER,
        "steps": [
            "Clear the browser's cache and cookies.",
            "Refresh the page and try again.",
            "Contact the carrier's support (AHIP or Aetna) and give the TL an update "
            "immediately after the conversation.",
        ],
    },
    {
        "key": "tbt-access",
        "name": "TBT access",
        "description": "The agent cannot open their TBTs.",
        "escalation": Playbook.EQUIPMENT,
        "steps": [
            "Clear the browser's cache and cookies, then refresh.",
            "On a personal device, log in to the external Learning Hub link "
            "(http://cvshealth.sabacloud.com) with the Citrix credentials (only if the agent "
            "has Citrix access).",
            "Contact cXp IT through the IT chat (company or personal equipment) and record "
            "the IT ticket number.",
        ],
    },
    {
        "key": "dialer",
        "name": "Dialer (CTI / Zoiper)",
        "description": "The dialer does not log in, shows empty drop-downs or freezes.",
        "escalation": Playbook.EQUIPMENT,
        "steps": [
            "Cannot log in to CTI or a \u201c20 error\u201d on Zoiper: reboot the computer.",
            "A yes/no drop-down shows no options: disposition the call, log out of CTI and "
            "log back in.",
            "The CTI screen freezes: do a hard restart of the computer.",
            "Contact cXp IT through the IT chat and record the IT ticket number.",
        ],
    },
]


@transaction.atomic
def load_default_playbooks() -> list[Playbook]:
    loaded = []
    for position, spec in enumerate(DEFAULT_PLAYBOOKS, start=1):
        playbook, created = Playbook.objects.get_or_create(
            key=spec["key"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "escalation": spec["escalation"],
                "position": position,
            },
        )
        if created:
            PlaybookStep.objects.bulk_create(
                PlaybookStep(playbook=playbook, position=number, instruction=text)
                for number, text in enumerate(spec["steps"], start=1)
            )
        loaded.append(playbook)
    return loaded
