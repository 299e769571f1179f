import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from project.accounts.roles import Role
from project.stores.choices import Currency
from project.stores.models import OpeningHours, Store, StoreMembership

DEFAULT_PASSWORD = "correct horse battery staple"


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TST-{n:02d}")
    name = factory.Sequence(lambda n: f"Test store {n}")
    country = "KR"
    time_zone = "Asia/Seoul"
    currency = Currency.KRW
    languages = factory.LazyFunction(lambda: ["ko", "en"])


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    store = factory.SubFactory(StoreFactory)
    weekday = 0
    opens = datetime.time(10, 0)
    closes = datetime.time(19, 0)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@atelier.example")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted: Role | None, **kwargs):
        """``UserFactory(role=Role.STORE_STAFF)`` puts the user in that shipped group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def stores(self, create, extracted, **kwargs):
        """``UserFactory(stores=[store])`` makes the user a member of those stores."""
        if create and extracted:
            for store in extracted:
                StoreMembership.objects.get_or_create(user=self, store=store)


class StoreMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreMembership

    user = factory.SubFactory(UserFactory)
    store = factory.SubFactory(StoreFactory)
