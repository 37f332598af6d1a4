from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from accounts.configuration import site as configuration_site
from common.ids import IdConverter

# Registered before the apps' URLs are read: they name row ids as <id:...>.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("core.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("frameworks/", include("frameworks.urls")),
    path("", include("records.urls")),
    path("", include("conversations.urls")),
    path("", include("interop.urls")),
    path("reports/", include("reports.urls")),
    path("teams/", include("accounts.team_urls")),
    path("admin/", configuration_site.urls),
]
