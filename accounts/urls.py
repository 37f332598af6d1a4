from django.urls import path

from . import views

urlpatterns = [
    path("login/code/", views.login_code, name="login_code"),
    path("account/security/", views.mfa_security, name="mfa_security"),
    path(
        "account/security/recovery-codes/",
        views.mfa_recovery_codes,
        name="mfa_recovery_codes",
    ),
    path("account/security/remove/", views.mfa_app_remove, name="mfa_remove"),
    path("account/still-here/", views.still_here, name="still_here"),
    path("accounts/users/<id:user_id>/unlock/", views.user_unlock, name="user_unlock"),
]
