"""The admin's sign-in throttle (django-axes, settings "Sign-in"): five wrong passwords for one
user from one address lock that pair out for the cool-off period; other users and addresses go on
signing in; a success clears the count."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-in attempts: this user is locked out from your address."
WRONG = "Your username and password didn&#x27;t match"


def fail(sign_in, times, username="minjun", address="203.0.113.7", **headers):
    return [sign_in(username, "not the password", address, **headers) for _ in range(times)]


def test_five_wrong_passwords_lock_the_user_out_and_the_sixth_try_is_refused(
    client, sign_in, minjun, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5

    responses = fail(sign_in, 5)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert WRONG in responses[0].content.decode()
    refused = sign_in("minjun", DEFAULT_PASSWORD)  # the right password, too late
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_the_lockout_is_wagtail_s_sign_in_page_saying_when_to_try_again(sign_in, minjun):
    response = fail(sign_in, 5)[-1]

    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Try again in 15 minutes, or ask an administrator to unlock it." in html
    assert 'class="login-form"' in html and 'value="minjun"' in html
    assert WRONG not in html  # the lockout, not a wrong password, is the reason given


def test_a_locked_out_user_still_signs_in_from_another_address(client, sign_in, minjun):
    fail(sign_in, 5, address="203.0.113.7")

    assert sign_in("minjun", DEFAULT_PASSWORD, address="198.51.100.20").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_another_user_signs_in_from_the_address_a_user_is_locked_out_from(client, sign_in, minjun):
    UserFactory(username="olena")
    fail(sign_in, 5, username="minjun")

    assert sign_in("olena", DEFAULT_PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_failures_counted_before_it(client, sign_in, minjun):
    fail(sign_in, 4)
    assert sign_in("minjun", DEFAULT_PASSWORD).status_code == 302
    client.logout()

    assert [r.status_code for r in fail(sign_in, 4)] == [200] * 4


def test_the_lockout_ends_after_the_cool_off_period(sign_in, minjun, settings):
    fail(sign_in, 5)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(tz=datetime.UTC)
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )

    assert sign_in("minjun", DEFAULT_PASSWORD).status_code == 302


def test_behind_a_proxy_the_address_it_saw_counts_not_what_the_client_wrote(
    client, sign_in, minjun, settings
):
    settings.FORMS_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    # The client writes a different address on the left each time; the proxy appends the real one.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        fail(sign_in, 1, address=proxy, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    locked = sign_in("minjun", DEFAULT_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429
    # Another visitor behind the same proxy is not locked out with them.
    other = sign_in("minjun", DEFAULT_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.status_code == 302


def test_passwords_shorter_than_twelve_characters_or_common_are_refused():
    user = UserFactory.build(username="minjun", first_name="Min-jun")

    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("k7#Tq9!zWp", user)
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234", user)
    validate_password("violet-anchor-harbour", user)
