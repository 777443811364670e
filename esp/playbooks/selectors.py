"""Reads of the troubleshooting playbooks (R-Q2): the playbooks in use, an agent's open
walk-through, its current step, and what the troubleshooting page shows."""

from __future__ import annotations

from esp.access.writes import may_write
from esp.roster.models import Agent

from .models import Playbook, PlaybookStep, Walkthrough


def active_playbooks():
    return Playbook.objects.filter(active=True)


def active_playbook(key: str) -> Playbook | None:
    return Playbook.objects.filter(active=True, key=key).first()


def open_walkthrough(agent: Agent) -> Walkthrough | None:
    return (
        agent.walkthroughs.filter(status=Walkthrough.OPEN)
        .select_related("playbook")
        .order_by("-pk")
        .first()
    )


def current_step(walkthrough: Walkthrough) -> PlaybookStep | None:
    """The first step after the last one recorded (None when the playbook has no more)."""
    done = walkthrough.outcomes.count()
    steps = list(walkthrough.playbook.steps.order_by("position", "pk"))
    return steps[done] if done < len(steps) else None


def is_last(walkthrough: Walkthrough, step: PlaybookStep) -> bool:
    return not walkthrough.playbook.steps.filter(position__gt=step.position).exists()


def troubleshooting(agent: Agent) -> dict:
    """The troubleshooting page of an agent: the playbooks to start, the open walk-through
    with its current step, the steps and outcomes so far, and the last 20 walk-throughs."""
    walkthrough = open_walkthrough(agent)
    step = current_step(walkthrough) if walkthrough else None
    return {
        "agent": agent,
        "playbooks": active_playbooks(),
        "walkthrough": walkthrough,
        "step": step,
        "last": bool(step) and is_last(walkthrough, step),
        "steps": list(walkthrough.playbook.steps.all()) if walkthrough else [],
        "done": list(walkthrough.outcomes.select_related("recorded_by")) if walkthrough else [],
        "history": agent.walkthroughs.select_related("playbook", "started_by").prefetch_related(
            "outcomes__recorded_by"
        )[:20],
    }


def agent_page_context(user, agent: Agent, page) -> dict:
    """The agent page's troubleshooting part (esp.progress.hooks): the agent's walk-throughs
    (R-Q2) and, for those who may troubleshoot, the link to run one."""
    return {
        "playbooks_panel": {
            "agent": agent,
            "walkthroughs": list(agent.walkthroughs.select_related("playbook", "started_by")[:10]),
            "can_run": may_write(user, "troubleshoot", None, agent),
        }
    }
