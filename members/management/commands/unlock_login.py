"""manage.py unlock_login EMAIL [--ip ADDRESS]: lift a login lockout (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from members.services import unlock_login


class Command(BaseCommand):
    help = (
        "Lift the login lockout of an email address (whatever its case) and/or of a client "
        "address locked for trying many logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", help="the login, in any case")
        parser.add_argument("--ip", dest="ip_address", help="a client address to unlock")

    def handle(self, *args, email=None, ip_address=None, **options):
        if not email and not ip_address:
            raise CommandError("Name an email address, a client address (--ip), or both.")
        removed = unlock_login(email=email, ip_address=ip_address)
        what = " and ".join(filter(None, [email, ip_address and f"address {ip_address}"]))
        if removed:
            self.stdout.write(f"Unlocked {what}: {removed} record(s) of failed logins removed.")
        else:
            self.stdout.write(f"Nothing to unlock for {what}: no failed logins are recorded.")
