"""Changes made in the admin land in the audit history (issue 12 item 16).

The admin site wraps every model admin registered on it — ours, and Django's User and Group
(roles) admins — in `AuditedAdminMixin`, so an admin added later is audited without anyone
remembering to. Each save writes one row per object: who (the signed-in user, labelled
"admin"), create / update / delete, and `{field: [old, new]}` of the fields that changed,
many-to-many sets (a class's TLs and PMs, a user's roles) and inline rows (a program's
phases, tasks ...) included, the latter each in a row of its own.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect
from django.urls import reverse

from .services import HIDDEN, audit_admin_change, audit_object_id, audit_record, audit_snapshot


def _stored(model, pks) -> dict:
    """The rows of `model` with these ids as stored now (before the form's values land)."""
    return {row.pk: row for row in model._default_manager.filter(pk__in=pks)}


class AuditedAdminMixin:
    #: True for an admin whose save_model calls a service that audits the save itself.
    audited_by_service = False

    def history_view(self, request, object_id, extra_context=None):
        """The object's "History" button opens its rows of the audit history: the admin's
        changes and the app's own writes (imports, pages, API) together."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return super().history_view(request, object_id, extra_context)
        query = urlencode({"object_type": obj._meta.model_name, "object_id": audit_object_id(obj)})
        return redirect(f"{reverse('admin:audit_auditentry_changelist')}?{query}")

    def save_model(self, request, obj, form, change):
        stored = _stored(type(obj), [obj.pk]).get(obj.pk) if change and obj.pk else None
        obj._audit_before = audit_snapshot(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        inline_before = {}
        for formset in formsets:
            rows = _stored(
                formset.model, [f.instance.pk for f in formset.forms if f.instance.pk is not None]
            )
            for f in formset.forms:
                row = rows.get(f.instance.pk)
                if row is not None:
                    inline_before[id(f.instance)] = (audit_object_id(row), audit_snapshot(row))
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not self.audited_by_service:
            audit_admin_change(
                actor=request.user,
                action="update" if change else "create",
                obj=obj,
                before=getattr(obj, "_audit_before", {}),
                after=audit_snapshot(obj),
            )
        for formset in formsets:
            for row in formset.new_objects:
                audit_admin_change(
                    actor=request.user,
                    action="create",
                    obj=row,
                    before={},
                    after=audit_snapshot(row),
                )
            for row, _fields in formset.changed_objects:
                _name, before = inline_before.get(id(row), (None, {}))
                audit_admin_change(
                    actor=request.user,
                    action="update",
                    obj=row,
                    before=before,
                    after=audit_snapshot(row),
                )
            for row in formset.deleted_objects:
                _audit_deleted(request, row, *inline_before.get(id(row), (None, {})))

    def delete_model(self, request, obj):
        name, before = audit_object_id(obj), audit_snapshot(obj)
        super().delete_model(request, obj)
        _audit_deleted(request, obj, name, before)

    def delete_queryset(self, request, queryset):
        gone = [(row, audit_object_id(row), audit_snapshot(row)) for row in queryset]
        super().delete_queryset(request, queryset)
        for row, name, before in gone:
            _audit_deleted(request, row, name, before)


class PasswordAuditMixin:
    """Django's user admin sets a password on a page of its own, not through save_model: the
    history says that it changed (never the hash)."""

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            audit_record(
                actor=request.user,
                actor_label="admin",
                action="update",
                obj=user,
                changes={"password": [HIDDEN, "(changed)"]},
            )
        return response


def audited(admin_class: type) -> type:
    """`admin_class` with the audit hooks in front of its own (itself when it has them)."""
    if issubclass(admin_class, AuditedAdminMixin):
        return admin_class
    bases = (AuditedAdminMixin, admin_class)
    if hasattr(admin_class, "user_change_password"):
        bases = (PasswordAuditMixin, *bases)
    return type(admin_class.__name__, bases, {"__module__": admin_class.__module__})


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, audited(admin_class or admin.ModelAdmin), **options)


def _audit_deleted(request, row, name: str | None, before: dict) -> None:
    """A row the admin deleted: its name and values from before the deletion."""
    audit_admin_change(
        actor=request.user, action="delete", obj=row, before=before, after={}, object_id=name
    )
