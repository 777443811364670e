"""Signal receivers of the progress app, connected in AppConfig.ready()."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from esp.accounts.services import invite
from esp.lib.textcheck import guard_text_fields
from esp.programs.models import Program
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.roster.services.staff import staff_account_created

from .models import Fact
from .services import projection, settled


def invite_new_staff(sender, user, **kwargs) -> None:
    """A staff account created inactive by esp.roster.staff.ensure_staff (a class import, the
    demo) is invited to set its password. Temporary home: esp.accounts connects it itself
    next (accounts sits above roster, below progress)."""
    invite(user)


# -- the read model of the reports follows every write, in its transaction (issue 14) ------


def refresh_agent_lines(sender, instance, raw=False, **kwargs) -> None:
    """A fact saved or removed, an agent saved (name, class): that agent's lines again."""
    if raw:  # loaddata: `esp rebuild` afterwards
        return
    if isinstance(instance, Fact) and _deleting_agents(kwargs.get("origin")):
        # the facts of agents being deleted: their lines go with them (the cascade deleted
        # them first); computed again here, before the agent's row is gone, they would be
        # left pointing at no agent and the deletion would fail on commit
        return
    agent_id = instance.agent_id if isinstance(instance, Fact) else instance.pk
    projection.refresh(agent_ids=[agent_id])
    if isinstance(instance, Fact) and settled.is_marked(instance.kind, instance.item):
        settled.settle(agent_ids=[agent_id])


def _deleting_agents(origin) -> bool:
    """Whether a deletion was started on agents (an agent, or a query of them)."""
    model = getattr(origin, "model", None) or type(origin)
    return model is Agent


def drop_program_days(sender, instance, raw=False, **kwargs) -> None:
    """A class, its phase dates, or the program's settings (policy, calendar) changed: every
    line may change; the program's days are built again on next use. The settings may also
    change which tasks are done: the agents' kept marks are computed again after the commit."""
    if raw:
        return
    if isinstance(instance, Program):
        program_id = instance.pk
    elif isinstance(instance, ClassPhase):
        program_id = (
            TrainingClass.objects.filter(pk=instance.training_class_id)
            .values_list("program_id", flat=True)
            .first()
        )
    else:
        program_id = getattr(instance, "program_id", None)
    projection.drop(program_id=program_id)
    if not isinstance(instance, (TrainingClass, ClassPhase)):  # the settings: what "done" is
        settled.settle_later(program_id)


def connect() -> None:
    # No row of the project's apps is written with text PostgreSQL cannot store
    # (issue 12 item 10); imports check the same earlier, per line and column.
    pre_save.connect(guard_text_fields, dispatch_uid="esp.lib.textcheck.guard_text_fields")
    staff_account_created.connect(
        invite_new_staff, weak=False, dispatch_uid="esp.progress.invite_new_staff"
    )
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        for model in (Fact, Agent):
            signal.connect(
                refresh_agent_lines, sender=model, dispatch_uid=f"esp.progress.lines.{model}.{name}"
            )
        for model in (TrainingClass, ClassPhase):
            signal.connect(
                drop_program_days, sender=model, dispatch_uid=f"esp.progress.days.{model}.{name}"
            )
        # per model of the programs app, not for every sender: a receiver of every model's
        # deletions would make Django fetch each row a bulk delete removes, to signal it (an
        # import's 400,000 staged rows, a report day's thousands of lines), instead of one
        # DELETE
        for model in apps.get_app_config("programs").get_models():
            signal.connect(
                drop_program_days,
                sender=model,
                dispatch_uid=f"esp.progress.days.programs.{model.__name__}.{name}",
            )
