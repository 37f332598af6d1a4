from django.urls import path

from . import team_views

urlpatterns = [
    path("<id:team_id>/members/", team_views.team_members_page, name="team_members"),
]
