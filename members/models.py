"""Member cities, the people who act for them, and the alliance's supporters.

This module is the ground floor of the import ladder: it imports no other app.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_countries.fields import CountryField

from cnca.links import slug_url


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Logins are case-insensitive: Ana@City.gov and ana@city.gov are one person.
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a login. The email address is the username."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        "alliance staff",
        default=False,
        help_text="Can sign in to the admin site.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Region(models.TextChoices):
    NORTH_AMERICA = "north_america", "North America"
    SOUTH_AMERICA = "south_america", "South America"
    EUROPE = "europe", "Europe"
    ASIA = "asia", "Asia"
    OCEANIA = "oceania", "Oceania"
    AFRICA = "africa", "Africa"


class MemberCityQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status=MemberCity.Status.MEMBER)


class MemberCity(models.Model):
    """A city of the alliance, with its public carbon-reduction commitment."""

    class Status(models.TextChoices):
        MEMBER = "member", "Member"
        FORMER = "former", "Former member"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    country = CountryField()
    region = models.CharField(max_length=20, choices=Region.choices)
    joined = models.DateField(null=True, blank=True, help_text="Leave empty when not known.")
    founding_member = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MEMBER)
    target = models.TextField(
        "target", blank=True, help_text="The city's commitment, as its own source states it."
    )
    target_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The year of the city's main (neutrality or deep-reduction) target.",
    )
    baseline_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    reduction_percent = models.PositiveSmallIntegerField(
        "reduction (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="The cut below the baseline promised by the target year.",
    )
    summary = models.TextField(blank=True)
    photo = models.ImageField(upload_to="cities/", blank=True)
    photo_alt = models.CharField("photo description", max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    website = models.URLField(blank=True)
    target_source = models.CharField(
        max_length=300, blank=True, help_text="Where the stated target comes from."
    )

    objects = MemberCityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "member city"
        verbose_name_plural = "member cities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reduction_percent__lte=100),
                name="city_reduction_percent_at_most_100",
            ),
        ]
        indexes = [models.Index(fields=["target_year"]), models.Index(fields=["region"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("members:city_detail", self.slug)


class CityMembership(models.Model):
    """Links a person to the one city they act for."""

    class Role(models.TextChoices):
        STAFF = "staff", "City staff"
        LEAD_CONTACT = "lead_contact", "Lead contact"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="city_membership")
    city = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["city__name", "user__email"]
        verbose_name = "city membership"

    def __str__(self):
        return f"{self.user} - {self.city} ({self.get_role_display()})"


class Supporter(models.Model):
    """An organisation behind the alliance: its staff, partners and funders."""

    class Role(models.TextChoices):
        STAFF = "staff", "Staffed by"
        PARTNER = "partner", "Partner"
        FUNDER = "funder", "Funder"

    name = models.CharField(max_length=150, unique=True)
    short_name = models.CharField(max_length=20, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices)
    website = models.URLField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "position", "name"]

    def __str__(self):
        return self.name
