"""Configuration pages for organisations, teams, users and their roles.

An admin sees and changes only their own organisations: the teams in them,
the users who are members of those teams (and new users not in any team yet),
and memberships of those teams.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q

from . import services
from .configuration import AuditedAdmin, OwnOrganisationsOnly, site
from .models import Membership, Organisation, OrganisationRole, Team, User
from .roles import organisations_administered_by


def _teams_for(request):
    return Team.objects.filter(organisation__in=organisations_administered_by(request.user))


def _users_for(request):
    """Users in the admin's organisations' teams, and users not in any team yet."""
    in_my_teams = Membership.objects.filter(user=OuterRef("pk"), team__in=_teams_for(request))
    in_any_team = Membership.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(Q(Exists(in_my_teams)) | ~Q(Exists(in_any_team)))


@admin.register(Organisation, site=site)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "team_count"]
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


class MembershipInline(ConfigurationInline):
    """A user's role in a team. Removing the row ends that role (it is audited)."""

    model = Membership
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


class OrganisationRoleInline(OwnOrganisationsOnly, ConfigurationInline):
    """A role across one of the admin's organisations, such as seeing its organisation report."""

    model = OrganisationRole
    extra = 0
    fields = ["organisation", "role"]
    verbose_name = "organisation-wide role"
    verbose_name_plural = (
        "organisation-wide roles (an organisation-wide manager sees the organisation report)"
    )


@admin.register(Team, site=site)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "organisation", "member_count"]
    list_filter = ["organisation"]
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
    list_filter = ["is_active", "memberships__role", "memberships__team"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
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
            .filter(pk__in=_users_for(request).values("pk"))
            .prefetch_related("memberships__team")
        )

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
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
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
