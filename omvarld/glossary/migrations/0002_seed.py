from django.db import migrations


def seed(apps, schema_editor):
    from omvarld.glossary.seed import read_pairs

    Term = apps.get_model("glossary", "Term")
    have = set(Term.objects.values_list("sv", "en"))
    Term.objects.bulk_create(
        [Term(sv=sv, en=en, note="seed") for sv, en in dict.fromkeys(read_pairs()) if (sv, en) not in have]
    )


def unseed(apps, schema_editor):
    apps.get_model("glossary", "Term").objects.filter(note="seed").delete()


class Migration(migrations.Migration):
    dependencies = [("glossary", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
