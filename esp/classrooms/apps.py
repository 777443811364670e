from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "esp.classrooms"
    verbose_name = "Virtual classrooms (rooms, links, calendar invites)"
