# The full-text index of awards (PostgreSQL only; docs/decisions/0011).
# Its expression is cnca.search.weighted_vector(AwardSearch.fields), spelt out.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

import cnca.dbops


class Migration(migrations.Migration):
    dependencies = [("innovation_fund", "0004_public_record")]

    operations = [
        cnca.dbops.AddPostgresIndex(
            model_name="award",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("title", weight="A", config="english")
                + django.contrib.postgres.search.SearchVector(
                    "public_summary", weight="B", config="english"
                )
                + django.contrib.postgres.search.SearchVector(
                    "other_partners", weight="C", config="english"
                ),
                name="award_search",
            ),
        ),
    ]
