"""Configuration pages for organisations, teams, users and their roles.

An admin sees and changes only their own organisations: the teams in them,
the users who work for them, and those teams' memberships. A user works for
one organisation and holds roles only in its teams; a user who belongs to no
organisation is shown to nobody (``accounts.checks`` reports any).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef
from django.forms.models import BaseInlineFormSet

from common.errors import Refused
from common.ids import possible_id

from . import checks, services  # noqa: F401 (checks registers the data check)
from .configuration import AuditedAdmin, OrganisationFilter, OwnOrganisationsOnly, site
from .models import Membership, Organisation, OrganisationRole, Team, User
from .roles import SELF_GRANT_REFUSED, may_set_membership, organisations_administered_by


def _teams_for(request):
    return Team.objects.filter(organisation__in=organisations_administered_by(request.user))


def _users_for(request):
    """Users who work for one of the admin's organisations."""
    return User.objects.filter(organisation__in=organisations_administered_by(request.user))


def _other_organisation(user, organisation) -> str:
    return (
        f"{user} works for {user.organisation}, not {organisation}: "
        "a user holds roles only in their own organisation."
    )


@admin.register(Organisation, site=site)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "team_count"]
    fields = ["name", "practitioners_need_mfa", "retention_years"]
    search_fields = ["name"]
    ordering = ["name"]

    # Organisations are set up with the installation; here an admin can rename theirs.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=organisations_administered_by(request.user))
            .annotate(teams_count=Count("teams"))
        )

    @admin.display(description="Teams", ordering="teams_count")
    def team_count(self, obj) -> int:
        return obj.teams_count


class ConfigurationInline(admin.TabularInline):
    """Rows edited within a configuration page, by anyone the site lets in."""

    # The site's own check (the admin role) is the permission; Django's model
    # permissions are not used.
    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)


class LabelledRowsFormSet(BaseInlineFormSet):
    """Names each control of a table row for screen readers ("Member 2: role"):
    the column heading alone is not its label (WCAG 1.3.1, 4.1.2)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new" if index is None else index + 1
        noun = getattr(self, "row_noun", None) or str(self.model._meta.verbose_name).capitalize()
        for field in form.fields.values():
            label = str(field.label or "").lower()
            # A select with add/change links is wrapped; the select itself needs the name.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs["aria-label"] = f"{noun} {row}: {label}"


class MembershipFormSet(LabelledRowsFormSet):
    """Team roles on a user's or a team's page: only within the user's organisation,
    and never an admin's own role that opens records (``roles.may_set_membership``)."""

    request = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        organisation_id = self.instance.organisation_id
        if organisation_id is None:
            return
        # Offer only what can be saved: the teams of the user's organisation,
        # or the users of the team's.
        side = self._other_side()
        field = form.fields[side]
        field.queryset = field.queryset.filter(organisation_id=organisation_id)
        organisation = self.instance.organisation
        field.error_messages["invalid_choice"] = (
            f"{self.instance} works for {organisation}: a user holds roles only in their own "
            "organisation's teams."
            if side == "team"
            else f"Only people who work for {organisation} can be members of its teams."
        )

    def _other_side(self) -> str:
        """The field naming the other end of each row: a team on a user's page."""
        return "team" if isinstance(self.instance, User) else "user"

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("role"):
                continue
            user = data.get("user") or self.instance
            team = data.get("team") or self.instance
            if not isinstance(user, User) or not isinstance(team, Team):
                continue
            field = self._other_side()
            if user.organisation_id and user.organisation_id != team.organisation_id:
                form.add_error(field, _other_organisation(user, team.organisation))
            previous = form.initial.get("role") if form.instance.pk else None
            changed = form.instance.pk is None or form.has_changed()
            if changed and not may_set_membership(
                self.request.user, user, role=data["role"], previous_role=previous
            ):
                form.add_error(field, SELF_GRANT_REFUSED)


class MembershipInline(ConfigurationInline):
    """A user's role in a team. Removing the row ends that role (it is audited)."""

    model = Membership
    formset = MembershipFormSet
    extra = 1
    fields = ["team", "user", "role", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = "role in a team"
    verbose_name_plural = "roles in teams"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(team__in=_teams_for(request))
            .select_related("team", "user")
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        noun = str(self.verbose_name).capitalize()
        return type(formset.__name__, (formset,), {"request": request, "row_noun": noun})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "team":
            kwargs["queryset"] = _teams_for(request).order_by("name")
        if db_field.name == "user":
            kwargs["queryset"] = _users_for(request).filter(is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TeamMembershipInline(MembershipInline):
    fields = ["user", "role", "created_at"]
    verbose_name = "member"
    verbose_name_plural = "members and their roles"


class UserMembershipInline(MembershipInline):
    fields = ["team", "role", "created_at"]


class OrganisationRoleFormSet(LabelledRowsFormSet):
    """Organisation-wide roles only in the user's own organisation."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if self.instance.organisation_id is not None:
            field = form.fields["organisation"]
            field.queryset = field.queryset.filter(pk=self.instance.organisation_id)

    def clean(self):
        super().clean()
        user = self.instance
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("organisation"):
                continue
            if user.organisation_id and data["organisation"].pk != user.organisation_id:
                form.add_error("organisation", _other_organisation(user, data["organisation"]))


class OrganisationRoleInline(OwnOrganisationsOnly, ConfigurationInline):
    """A role across one of the admin's organisations, such as seeing its organisation report."""

    model = OrganisationRole
    formset = OrganisationRoleFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"row_noun": "Organisation-wide role"})

    extra = 0
    fields = ["organisation", "role"]
    verbose_name = "organisation-wide role"
    verbose_name_plural = (
        "organisation-wide roles (an organisation-wide manager sees the organisation report)"
    )


@admin.register(Team, site=site)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "organisation", "member_count"]
    list_filter = [OrganisationFilter]
    search_fields = ["name", "description"]
    ordering = ["organisation__name", "name"]
    fields = ["organisation", "name", "description"]
    inlines = [TeamMembershipInline]
    in_use_hint = (
        "Move the people on its caseload to another team and end its members' roles first."
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=_teams_for(request))
            .select_related("organisation")
            .annotate(members=Count("memberships"))
        )

    @admin.display(description="Members", ordering="members")
    def member_count(self, obj) -> int:
        return obj.members

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_administered_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TeamFilter(admin.SimpleListFilter):
    """Users by team, offering only the admin's organisations' teams."""

    title = "team"
    parameter_name = "team"

    def lookups(self, request, model_admin):
        return _teams_for(request).order_by("name").values_list("pk", "name")

    def queryset(self, request, queryset):
        if self.value() and not possible_id(self.value()):
            return queryset.none()
        if self.value():
            in_team = Membership.objects.filter(user=OuterRef("pk"), team=self.value())
            return queryset.filter(Exists(in_team))
        return queryset


class UserChangeForm(DjangoUserChangeForm):
    """Refuses an admin's deactivating their own account, next to the checkbox."""

    request = None

    def clean_is_active(self):
        is_active = self.cleaned_data.get("is_active")
        if self.instance.pk == self.request.user.pk and not is_active:
            raise ValidationError("You cannot deactivate your own account; ask another admin.")
        return is_active


@admin.register(User, site=site)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    """Add users, give them roles in teams, deactivate them (ending their sessions)."""

    list_display = ["username", "full_name", "email", "is_active", "roles"]
    list_filter = ["is_active", "memberships__role", TeamFilter, OrganisationFilter]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password", "organisation")}),
        ("Name and email", {"fields": ("first_name", "last_name", "email")}),
        (
            "Access",
            {
                "fields": ("is_active",),
                "description": "Untick to deactivate: they are signed out at once and "
                "cannot sign in again until reactivated. What they recorded stays.",
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "organisation",
                    "first_name",
                    "last_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    inlines = [UserMembershipInline, OrganisationRoleInline]
    actions = ["deactivate_users", "reactivate_users"]
    in_use_hint = "Deactivate the account instead."

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(organisation__in=organisations_administered_by(request.user))
            .prefetch_related("memberships__team")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            # Every user works for an organisation, one the admin administers.
            organisations = organisations_administered_by(request.user).order_by("name")
            kwargs["queryset"] = organisations
            kwargs["required"] = True
            only = list(organisations[:2])
            if len(only) == 1:
                kwargs["initial"] = only[0].pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Accounts are never deleted: the audit trail and records keep naming who did what.
    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = type("BoundUserChangeForm", (UserChangeForm,), {"request": request})
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description="Name")
    def full_name(self, obj) -> str:
        return obj.get_full_name()

    @admin.display(description="Roles")
    def roles(self, obj) -> str:
        return ", ".join(
            f"{m.get_role_display()} in {m.team.name}"
            for m in sorted(obj.memberships.all(), key=lambda m: m.team.name)
        )

    def save_model(self, request, obj, form, change):
        switching = change and "is_active" in form.changed_data
        deactivating = switching and not obj.is_active
        if switching:
            # The service makes this change, with its rules and its own audit event.
            obj.is_active = not obj.is_active
        super().save_model(request, obj, form, change)
        if switching:
            service = services.user_deactivate if deactivating else services.user_reactivate
            service(actor=request.actor, user=obj)
            obj.refresh_from_db(fields=["is_active"])

    def user_change_password(self, request, id, form_url=""):
        if self.get_object(request, unquote(id)) is None:
            raise Refused(self.opts.label_lower, unquote(id))
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            self.audit(
                request,
                user,
                action="password_set",
                before={},
                after={"password": "(set by an admin)"},
            )
        return response

    @admin.action(description="Deactivate the selected users (signs them out at once)")
    def deactivate_users(self, request, queryset):
        self._switch(request, queryset, services.user_deactivate, "deactivated")

    @admin.action(description="Reactivate the selected users")
    def reactivate_users(self, request, queryset):
        self._switch(request, queryset, services.user_reactivate, "reactivated")

    def _switch(self, request, queryset, service, done: str) -> None:
        self.switch_each(
            request, queryset, lambda user: service(actor=request.actor, user=user), done
        )
