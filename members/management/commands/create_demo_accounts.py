from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from members.services import MissingCitiesError, create_demo_accounts


class Command(BaseCommand):
    help = (
        "Create or update the demo accounts (alliance staff, selection committee, "
        "city staff), all with the given password. Development only: refuses to run "
        "when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", required=True, help="The password every demo account gets."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the password must then pass the validators).",
        )

    def handle(self, *args, password, force, **options):
        if not password:
            raise CommandError("--password must not be empty.")
        if not settings.DEBUG:
            if not force:
                raise CommandError(
                    "DEBUG is off, so this looks like a production site: demo accounts "
                    "(one of them a superuser) are not created there. Pass --force to "
                    "create them anyway."
                )
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError(
                    "With DEBUG off the demo password must pass the password validators: "
                    + " ".join(error.messages)
                ) from error
        try:
            results = create_demo_accounts(password)
        except MissingCitiesError as error:
            raise CommandError(
                f"{error}. Load the cities first: python manage.py load_cnca_content"
            ) from error

        rows = [("Email", "Role", "City", "")]
        rows += [
            (
                result.user.email,
                result.account.role_label,
                _city_label(result),
                "created" if result.created else "updated",
            )
            for result in results
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[3]]).rstrip())
        self.stdout.write("Every account signs in with the password given in --password.")
        self._seat_committee(results)

    def _seat_committee(self, results):
        # A command is wiring at the top of the import ladder: it may reach up into the
        # fund, which the members app itself never imports.
        from innovation_fund.committee.demo import DemoRoundMissing, seat_demo_committee

        members = [r.user for r in results if r.account.kind == r.account.KIND_COMMITTEE]
        try:
            fund_round = seat_demo_committee(members)
        except DemoRoundMissing as error:
            self.stdout.write(f"The committee accounts sit on no round yet. {error}")
        else:
            self.stdout.write(
                f"The {len(members)} committee accounts sit on the committee of {fund_round}."
            )


def _city_label(result):
    if result.city:
        return result.city.name
    return "(independent)" if result.account.kind == result.account.KIND_COMMITTEE else "-"
