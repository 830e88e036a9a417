from omvarld.glossary.models import Term


def term_sets() -> list[list[str]]:
    return [[sv, en] for sv, en in Term.objects.values_list("sv", "en")]
