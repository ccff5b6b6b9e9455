from django.core.management.base import BaseCommand, CommandError

from cnca.content import FACTS_PATH, load_facts
from cnca.content.loader import ContentError, load_content
from cnca.fragments import forget_public_fragments


class Command(BaseCommand):
    help = (
        "Load the alliance's real content (member cities, staff, partners, funders, news) "
        "from the project's data file. Safe to run again: it only writes what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(FACTS_PATH),
            help="A data file in the same format (default: %(default)s).",
        )

    def handle(self, *args, file, **options):
        try:
            facts = load_facts(file)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            results = load_content(facts)
        except ContentError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        except (KeyError, TypeError) as error:
            raise CommandError(
                f"Nothing was loaded: {file} lacks or misshapes a field ({error!r})."
            ) from error
        # Run on each release: parts of pages kept rendered by the previous one go.
        forget_public_fragments()
        for result in results:
            self.stdout.write(str(result))
