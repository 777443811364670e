from django.dispatch import Signal

agent_moved = (
    Signal()
)  # sent by roster.services.agent_move: agent, old_class, new_class, actor, now
