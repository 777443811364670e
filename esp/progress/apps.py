from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "esp.progress"
    verbose_name = "Progress"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from esp.lib.textcheck import guard_text_fields

        # No row of the project's apps is written with text PostgreSQL cannot store
        # (issue 12 item 10); imports check the same earlier, per line and column.
        pre_save.connect(guard_text_fields, dispatch_uid="esp.lib.textcheck.guard_text_fields")
