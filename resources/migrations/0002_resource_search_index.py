# The full-text index of resources (PostgreSQL only; docs/decisions/0011).
# Its expression is cnca.search.weighted_vector(Resource.SEARCH_FIELDS), spelt out.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

import cnca.dbops


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [
        cnca.dbops.AddPostgresIndex(
            model_name="resource",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("title", weight="A", config="english")
                + django.contrib.postgres.search.SearchVector(
                    "summary", weight="B", config="english"
                )
                + django.contrib.postgres.search.SearchVector("body", weight="C", config="english"),
                name="resource_search",
            ),
        ),
    ]
