"""Configuration pages for themes of what helps and what hinders."""

from django.contrib import admin

from accounts.configuration import AuditedAdmin, OrganisationFilter, OwnOrganisationsOnly, site

from . import services
from .models import Theme


class ActiveFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("retired", "Retired")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(retired_at__isnull=True)
        if self.value() == "retired":
            return queryset.filter(retired_at__isnull=False)
        return queryset


@admin.register(Theme, site=site)
class ThemeAdmin(OwnOrganisationsOnly, AuditedAdmin):
    list_display = ["name", "organisation", "active"]
    list_filter = [ActiveFilter, OrganisationFilter]
    search_fields = ["name", "description"]
    ordering = ["organisation__name", "name"]
    fields = ["organisation", "name", "description", "retired_at"]
    readonly_fields = ["retired_at"]
    actions = ["retire_themes", "reinstate_themes"]
    in_use_hint = "Retire it instead: it will no longer be offered, and stays where it was used."

    @admin.display(description="Active", boolean=True, ordering="retired_at")
    def active(self, obj) -> bool:
        return obj.is_active

    @admin.action(description="Retire the selected themes")
    def retire_themes(self, request, queryset):
        self._switch(request, queryset, services.theme_retire, "retired")

    @admin.action(description="Offer the selected themes again")
    def reinstate_themes(self, request, queryset):
        self._switch(request, queryset, services.theme_reinstate, "offered again")

    def _switch(self, request, queryset, service, done: str) -> None:
        self.switch_each(
            request, queryset, lambda theme: service(actor=request.actor, theme=theme), done
        )
