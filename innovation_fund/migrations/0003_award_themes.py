"""The fixed list of award themes (the public pages filter awards by them)."""

from django.db import migrations

THEMES = (
    ("buildings", "Buildings"),
    ("transport", "Transport"),
    ("energy", "Energy"),
    ("waste-and-food", "Waste and food"),
    ("finance", "Finance"),
    ("procurement", "Procurement"),
    ("others", "Others"),
)


def create_themes(apps, schema_editor):
    Theme = apps.get_model("innovation_fund", "Theme")
    for position, (slug, name) in enumerate(THEMES):
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("innovation_fund", "0002_committee_and_awards")]

    operations = [migrations.RunPython(create_themes, migrations.RunPython.noop)]
