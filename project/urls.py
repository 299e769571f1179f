from django.conf import settings
from django.http import Http404
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from project.core import health


def not_found(request):
    raise Http404


urlpatterns = [
    path("health/", health.health_view, name="health"),
    # Wagtail's admin serves /admin/failwhale/ to any signed-in user: a view that fails on purpose
    # (a server error and an error report on demand). Answered here first, with 404.
    path("admin/failwhale/", not_found),
    path("", include("aftersales.urls")),
    path("api/v1/", include("forms.urls")),
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
