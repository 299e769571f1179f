from django.conf import settings
from django.http import Http404
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.urls import reports as wagtailadmin_reports_urls
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.contrib.redirects import urls as wagtailredirects_urls
from wagtail.documents import urls as wagtaildocs_urls

from project.core import health
from project.core.exports import safe_export_urlpatterns
from project.stores.views import StoreScopedLogEntriesView


def not_found(request):
    raise Http404


urlpatterns = [
    path("health/", health.health_view, name="health"),
    # Wagtail's admin serves /admin/failwhale/ to any signed-in user: a view that fails on purpose
    # (a server error and an error report on demand). Answered here first, with 404.
    path("admin/failwhale/", not_found),
    path("", include("aftersales.urls")),
    path("api/v1/", include("forms.urls")),
    # Wagtail's own listings that export (the Reports menu, redirects), answered by the same
    # views with formulas neutralised (project.core.exports); they must come before the admin. The
    # site history also shows a role confined to its stores only their stores' entries.
    path(
        "admin/reports/",
        include(
            safe_export_urlpatterns(
                wagtailadmin_reports_urls.urlpatterns,
                replacements={LogEntriesView: StoreScopedLogEntriesView},
            )
        ),
    ),
    path("admin/redirects/", include(safe_export_urlpatterns(wagtailredirects_urls.urlpatterns))),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves everything else (public forms, training); keep it last.
urlpatterns += [path("", include(wagtail_urls))]
