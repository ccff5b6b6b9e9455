# The full-text index of news items (PostgreSQL only; docs/decisions/0011).
# Its expression is cnca.search.weighted_vector(NewsSearch.fields), spelt out.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

import cnca.dbops


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [
        cnca.dbops.AddPostgresIndex(
            model_name="newsitem",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("title", weight="A", config="english")
                + django.contrib.postgres.search.SearchVector(
                    "summary", weight="B", config="english"
                )
                + django.contrib.postgres.search.SearchVector(
                    "body_text", weight="C", config="english"
                ),
                name="newsitem_search",
            ),
        ),
    ]
