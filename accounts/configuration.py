"""The configuration site: Django's admin, for admins of an organisation only.

It is a separate admin site, not Django's default one, so only the models
registered on it here (organisations, teams, users and their roles, themes)
can ever appear: person records, conversations and the audit trail never do,
whatever other apps register on the default site. Outcome frameworks and
rating scales have their own pages (``frameworks.views``), because changing
them must make new versions.

Who may use it is decided by role, not by ``is_staff``: an active user with
the admin role in at least one team. Everyone else signed in gets 403;
anyone signed out goes to the site's own sign-in page.
"""

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import URLPattern, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from audit.services import changes_between
from common.errors import Refused
from common.ids import possible_id
from common.usage import describe_uses, uses_of

from .roles import is_admin, organisations_administered_by
from .services import configuration_changed


class ConfigurationSite(admin.AdminSite):
    site_header = "Personal outcomes: configuration"
    site_title = "Configuration"
    index_title = "Set the system up for your organisation"
    site_url = "/"
    index_template = "admin/configuration_index.html"
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and is_admin(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def get_urls(self):
        # "View on site" redirects to any object of any model by content type;
        # nothing here needs it, so it is not offered at all.
        urls = [e for e in super().get_urls() if getattr(e, "name", None) != "view_on_site"]
        # Django points LoginRequiredMiddleware at the admin's own sign-in page;
        # this site has one sign-in page for everything.
        for entry in urls:
            if isinstance(entry, URLPattern) and hasattr(entry.callback, "login_url"):
                entry.callback.login_url = settings.LOGIN_URL
        return urls

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index", current_app=self.name)
        )

    def password_change(self, request, extra_context=None):
        return redirect("password_change")


site = ConfigurationSite(name="admin")
# Bulk deletion would bypass the per-object check that refuses deleting
# anything in use; each object is deleted from its own page instead.
site.disable_action("delete_selected")


def audit_snapshot(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict:
    """The object's own field values, as the audit trail records them."""
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in exclude and not field.primary_key
    }


class AuditedAdmin(admin.ModelAdmin):
    """A configuration page whose every add, change and delete is in the audit trail.

    Deleting anything that other rows refer to is refused with a message
    saying what refers to it (``in_use_hint`` says what to do instead).
    """

    # Never written to the trail: secrets, and values that change by themselves.
    audit_exclude: tuple[str, ...] = ("password", "last_login")
    in_use_hint = ""

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def audit(
        self, request, obj, *, action: str, before: dict, after: dict, summary: str = ""
    ) -> None:
        configuration_changed(
            actor=request.actor, obj=obj, action=action, before=before, after=after, summary=summary
        )

    def switch_each(self, request, queryset, switch, done: str) -> None:
        """Run ``switch`` (a service: retire, deactivate...) on each selected object,
        then say how many changed and why any did not."""
        changed = 0
        for obj in queryset:
            try:
                switch(obj)
            except ValidationError as error:
                self.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.WARNING)
            else:
                changed += 1
        if changed:
            noun = self.model._meta.verbose_name
            self.message_user(request, f"{changed} {noun}(s) {done}.", messages.SUCCESS)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Two saves of the same new name at once (a double click, two admins)
        # both pass the form's uniqueness check, and the second is refused by
        # the database. The whole save was rolled back; showing the form again
        # runs the check once more, which now finds the first save and says so
        # beside the field, with what was typed still in it.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _before(self, obj) -> dict:
        saved = type(obj)._base_manager.filter(pk=obj.pk).first() if obj.pk else None
        return audit_snapshot(saved, self.audit_exclude) if saved else {}

    def save_model(self, request, obj, form, change):
        before = self._before(obj) if change else {}
        super().save_model(request, obj, form, change)
        after = audit_snapshot(obj, self.audit_exclude)
        if not change or changes_between(before, after):
            self.audit(
                request, obj, action="update" if change else "create", before=before, after=after
            )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            before = audit_snapshot(obj, self.audit_exclude)
            pk = obj.pk
            obj.delete()
            obj.pk = pk
            self.audit(request, obj, action="delete", before=before, after={})
        for obj in instances:
            adding = obj._state.adding
            before = {} if adding else self._before(obj)
            obj.save()
            after = audit_snapshot(obj, self.audit_exclude)
            if adding or changes_between(before, after):
                self.audit(
                    request,
                    obj,
                    action="create" if adding else "update",
                    before=before,
                    after=after,
                )
        formset.save_m2m()

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's admin sends "no such object" back to the index with a message;
        # here it is the refusal every other page gives: an audited 404 that does
        # not tell another organisation's row from a missing one.
        raise Refused(opts.label_lower, unquote(object_id))

    def uses(self, obj) -> str:
        """What refers to ``obj``, in words ("3 memberships and 1 caseload entry"), or ""."""
        return describe_uses(uses_of(type(obj)._base_manager.filter(pk=obj.pk)))

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_delete_permission(request, obj):
            uses = self.uses(obj)
            if uses:
                self.message_user(
                    request,
                    f"“{obj}” cannot be deleted: it is used by {uses}. {self.in_use_hint}".strip(),
                    messages.ERROR,
                )
                opts = self.opts
                return redirect(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", obj.pk
                )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        # delete_view refuses first; this guards any other way in.
        uses = self.uses(obj)
        if uses:
            raise PermissionDenied(f"“{obj}” is in use: {uses}.")
        before = audit_snapshot(obj, self.audit_exclude)
        pk = obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        self.audit(request, obj, action="delete", before=before, after={})


class OrganisationFilter(admin.SimpleListFilter):
    """Filter by organisation, offering only the admin's own (never another's name)."""

    title = "organisation"
    parameter_name = "organisation"
    lookup = "organisation"

    def lookups(self, request, model_admin):
        return (
            organisations_administered_by(request.user).order_by("name").values_list("pk", "name")
        )

    def queryset(self, request, queryset):
        if self.value() and not possible_id(self.value()):
            return queryset.none()
        if self.value():
            return queryset.filter(**{self.lookup: self.value()})
        return queryset


class OwnOrganisationsOnly:
    """For rows that belong to an organisation: an admin sees and picks only their own."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(organisation__in=organisations_administered_by(request.user))
            .select_related("organisation")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_administered_by(request.user).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
