from django.apps import AppConfig
from django.utils.module_loading import import_string

from esp.roster.signals import agent_moved

# R-T3 with R-S2: an agent's move to another class, wherever it comes from (page, API, activity
# import), cancels their invitations to the old class's rooms. Roster, a lower app, sends the
# signal and knows nothing of classrooms. A dotted path: the services import models, which
# cannot be imported while the app registry is being filled.
ON_AGENT_MOVED = "esp.classrooms.services.leave_rooms_on_move"


class ClassroomsConfig(AppConfig):
    name = "esp.classrooms"
    verbose_name = "Virtual classrooms (rooms, links, calendar invites)"
    # Its part of the agent page (esp.progress.hooks.agent_page_context; issue 13).
    agent_page_context = "esp.classrooms.selectors.agent_page_context"

    def ready(self) -> None:
        agent_moved.connect(import_string(ON_AGENT_MOVED), dispatch_uid=ON_AGENT_MOVED)
