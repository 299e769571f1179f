"""The client's address as Atelier trusts it, for the public forms' rate limit and the admin's
sign-in throttle alike."""

from django.conf import settings


def client_address(request) -> str:
    """The visitor's address: ``REMOTE_ADDR``, or with ``FORMS_TRUSTED_PROXY_COUNT = n`` the one
    the outermost of our n proxies saw (read from the right of ``X-Forwarded-For``, since a client
    can write anything on its left)."""
    proxies = settings.FORMS_TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
