from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "esp.accounts"
    verbose_name = "Sign-in and invitations"

    def ready(self):
        from . import signals  # noqa: F401  (API tokens end with the password: issue 12 item 8)
