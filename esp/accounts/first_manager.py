"""`esp init` on a terminal: offer to create the first ESP Manager account when there is none
(moved out of esp/cli.py, which keeps each command's parsing and messages)."""

from __future__ import annotations

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from esp.lib.csvio import is_email
from esp.roster.services.staff import create_esp_manager

from .selectors import has_active_manager


def _password() -> str:
    """A password typed twice that passes the validators."""
    while True:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            print("The two passwords differ.")
            continue
        try:
            validate_password(password)
        except ValidationError as exc:
            print(" ".join(exc.messages))
            continue
        return password


def ask_for_a_manager() -> None:
    """Ask for the first ESP Manager's e-mail and password, and create the account."""
    if has_active_manager():
        return
    email = input("E-mail of the first ESP Manager (empty to skip): ").strip()
    if not email:
        return
    while not is_email(email):
        email = input(f"'{email}' is not an e-mail address; try again: ").strip()
    create_esp_manager(email, _password())
    print(f"ESP Manager {email} created; sign in at /admin/.")
