from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import role_required
from accounts.models import Role

from .selectors import frameworks_with_outcomes


@role_required(Role.ADMIN)
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = frameworks_with_outcomes()
    return render(request, "frameworks/framework_list.html", {"frameworks": frameworks})
