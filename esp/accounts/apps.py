from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "esp.accounts"
    verbose_name = "Sign-in and invitations"
