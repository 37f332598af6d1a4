"""Each request's actor, built once; refused access written to the audit trail."""

from common.actor import Actor
from common.errors import Refused

from .services import access_refused


class ActorMiddleware:
    """Gives every request ``request.actor``, what services take instead of the request.

    Place after the authentication middleware. A selector that refuses a record
    raises ``Refused``; the refusal is audited here and shown as a plain 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = Actor.from_request(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refused):
            access_refused(
                actor=request.actor,
                object_type=exception.object_type,
                object_id=exception.object_id,
            )
        return None  # Django goes on to show its 404 page
