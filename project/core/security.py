"""Security headers of every response: Content-Security-Policy (django-csp, with the admin's
additions) and Permissions-Policy.

The policies themselves are settings (``CONTENT_SECURITY_POLICY``,
``CONTENT_SECURITY_POLICY_ADMIN``, ``PERMISSIONS_POLICY``); these middlewares only decide which
applies where.
"""

from __future__ import annotations

from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse


def _admin_prefix() -> str:
    return reverse("wagtailadmin_home")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with two decisions made per response:

    - under the Wagtail admin's URL, ``CONTENT_SECURITY_POLICY_ADMIN`` replaces the directives it
      names (Wagtail's own inline scripts and styles);
    - ``frame-ancestors`` follows ``X-Frame-Options``: ``'self'`` where a view allowed same-origin
      framing (Wagtail's preview views, shown in the editor's side panel), ``'none'`` elsewhere.
      Browsers that know frame-ancestors ignore X-Frame-Options, so the two must agree. Wagtail
      renders a preview by running the page through the whole middleware chain once more
      (``request.is_preview``); that inner response sets the header the preview view sends, so it
      gets ``'self'`` too, and otherwise the public page's policy, as visitors will see it.

    A view's own ``@csp_replace`` still wins over both.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        replace = {}
        if request.path_info.startswith(_admin_prefix()):
            replace.update(settings.CONTENT_SECURITY_POLICY_ADMIN)
        framing = response.get("X-Frame-Options", "").upper()
        framed_by_admin = framing == "SAMEORIGIN" or getattr(request, "is_preview", False)
        replace["frame-ancestors"] = [SELF] if framed_by_admin else [NONE]
        parts.replace = {**replace, **(parts.replace or {})}
        return parts


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` as ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    """Sends ``PERMISSIONS_POLICY`` as the Permissions-Policy header of every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
