"""The API answers to the same access matrix as the pages (esp/access/matrix.py)."""

from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from esp.access.matrix import rule_for
from esp.access.scopes import roles


class MatrixPermission(BasePermission):
    """Signed in (session or token) and holding a role the route allows; else 404/401."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        match = request.resolver_match
        rule = rule_for(match.view_name if match else "")
        if rule is None or not roles(request.user) & set(rule.roles):
            raise NotFound("not found")
        return True
