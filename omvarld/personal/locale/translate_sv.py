"""Swedish for the personal feed: run after makemessages to fill the catalogue, then compile."""

from pathlib import Path

import polib

SV = {
    "Personal feed": "Personligt flöde",
    "%(site)s: for you": "%(site)s: för dig",
    "Entry": "Objekt",
    "Theme": "Tema",
    "Main category": "Huvudkategori",
    "Source": "Källa",
    "Keyword": "Nyckelord",
    "member": "medlem",
    "kind": "slag",
    "entry": "objekt",
    "theme": "tema",
    "main category": "huvudkategori",
    "source": "källa",
    "keyword": "nyckelord",
    "since": "sedan",
    "follow": "följning",
    "follows": "följningar",
    "include the monitored stream": "ta med bevakningsflödet",
    "weekly 'for you' mail": "veckomejl ”för dig”",
    "feed profile": "flödesprofil",
    "feed profiles": "flödesprofiler",
    "Map item or notice": "Post på kartan eller notis",
    "Monitored entry": "Bevakad artikel",
    "Opened": "Öppnad",
    "Saved": "Sparad",
    "Removed from reading list": "Borttagen från läslistan",
    "Hidden": "Dold",
    "Shown again": "Visas igen",
    "More like this": "Mer sådant här",
    "Less like this": "Mindre sådant här",
    "You follow %(names)s": "Du följer %(names)s",
    "You follow the theme %(names)s": "Du följer temat %(names)s",
    "You follow the source %(name)s": "Du följer källan %(name)s",
    "You follow the word “%(word)s”": "Du följer ordet ”%(word)s”",
    "Like what you saved and read": "Liknar det du sparat och läst",
    "Rising within %(theme)s this week": "Ökar inom %(theme)s den här veckan",
    "Rising this week": "Ökar den här veckan",
    "Many members read this": "Många medlemmar läser detta",
    "Picked by the editors": "Utvalt av redaktionen",
    "Reported by %(n)s sources": "Rapporteras av %(n)s källor",
    "New in the monitoring": "Nytt i bevakningen",
    "Why:": "Varför:",
    "News notice": "Notis",
    "Map item": "Post på kartan",
    "Monitored": "Bevakat",
    "Also reported by": "Rapporteras också av",
    "Tags": "Taggar",
    "Hide": "Dölj",
    "Pages": "Sidor",
    "Previous": "Föregående",
    "Next": "Nästa",
    "Nothing in your feed yet. Follow a few cities, networks or themes from their pages.": "Ditt flöde är tomt än så länge. Följ några städer, nätverk eller teman från deras sidor.",
    "Hidden. Your feed will show less like it.": "Dold. Ditt flöde visar mindre sådant.",
    "Undo": "Ångra",
    "Save": "Spara",
    "The best of your feed this week:": "Det bästa i ditt flöde den här veckan:",
    "Change what you follow or stop this mail": "Ändra vad du följer eller stoppa mejlet",
    "Change what you follow or stop this mail:": "Ändra vad du följer eller stoppa mejlet:",
    "For you this week at %(SITE_NAME)s": "För dig den här veckan på %(SITE_NAME)s",
    "My feed": "Mitt flöde",
    "News notices, new and updated map items and, if you choose, the monitored stream, ranked for you. Open, save, hide, “more like this” and “less like this” teach it at once.":
        "Notiser, nya och uppdaterade poster på kartan och, om du vill, bevakningsflödet, rangordnade för dig. Öppna, spara, dölj, ”mer sådant här” och ”mindre sådant här” lär flödet direkt.",
    "Reading list": "Läslista",
    "Following and settings": "Följer och inställningar",
    "Make it yours": "Gör det till ditt",
    "You follow nothing yet, so this is the editors' picks and what is rising. Follow cities, networks, organisations or themes with the Follow button on their pages.":
        "Du följer inget än, så här är redaktionens urval och det som ökar. Följ städer, nätverk, organisationer eller teman med Följ-knappen på deras sidor.",
    "Rising now": "Ökar just nu",
    "Following": "Följer",
    "press to stop following": "tryck för att sluta följa",
    "Email and settings": "E-post och inställningar",
    "Follow %(label)s": "Följ %(label)s",
    "Sign in to follow %(label)s": "Logga in för att följa %(label)s",
    "What you follow shapes your feed. Choose for each whether it also mails you.": "Det du följer formar ditt flöde. Välj för var och en om den också ska mejla dig.",
    "What you follow": "Det du följer",
    "Follows": "Följer",
    "Kind": "Slag",
    "Email": "E-post",
    "Remove": "Ta bort",
    "How often %(name)s mails you": "Hur ofta %(name)s mejlar dig",
    "In your feed and weekly mail": "I ditt flöde och veckomejl",
    "Stop following": "Sluta följa",
    "You follow nothing yet. Use the Follow button on a city, network, organisation, theme or category page, or follow a word below.":
        "Du följer inget än. Använd Följ-knappen på en stads, ett nätverks, en organisations, ett temas eller en kategoris sida, eller följ ett ord nedan.",
    "Follow a word": "Följ ett ord",
    "Follow": "Följ",
    "Stories whose title has the word (in any of its forms) come first in your feed.": "Artiklar vars rubrik har ordet (i någon av dess former) kommer först i ditt flöde.",
    "Feed settings": "Flödesinställningar",
    "Include the raw monitored stream (entries from watched sources before the editors read them)": "Ta med det obearbetade bevakningsflödet (artiklar från bevakade källor innan redaktionen läst dem)",
    "Mail me the best of my feed every Monday (“for you”)": "Mejla mig det bästa i mitt flöde varje måndag (”för dig”)",
    "Save settings": "Spara inställningar",
    "Your private feed": "Ditt privata flöde",
    "Read your ranked feed in a feed reader. Keep this address to yourself.": "Läs ditt rangordnade flöde i en flödesläsare. Håll adressen för dig själv.",
    "Atom feed address": "Atom-flödets adress",
    "Make a new address (the old one stops working)": "Skapa en ny adress (den gamla slutar fungera)",
    "Download what the feed stores about you (JSON)": "Ladda ner det flödet sparar om dig (JSON)",
    "saved": "sparad",
    "Nothing saved yet. Use “Save” in your feed.": "Inget sparat än. Använd ”Spara” i ditt flöde.",
    "You now follow %(name)s.": "Du följer nu %(name)s.",
    "You no longer follow %(name)s.": "Du följer inte längre %(name)s.",
    "Write a word of at least three letters to follow.": "Skriv ett ord på minst tre bokstäver att följa.",
    "Not by email": "Inte via e-post",
    "Your account has no email address; ask an administrator to add one.": "Ditt konto saknar e-postadress; be en administratör lägga till en.",
    "Sources and keywords are in your feed and weekly mail only.": "Källor och nyckelord finns bara i ditt flöde och veckomejl.",
    "Choose immediately, daily, weekly or not by email.": "Välj direkt, dagligen, veckovis eller inte via e-post.",
    "Saved how often this follow mails you.": "Sparat hur ofta detta mejlar dig.",
    "Removed.": "Borttaget.",
    "Your feed settings are saved.": "Dina flödesinställningar är sparade.",
    "Your private feed has a new address; the old one no longer works.": "Ditt privata flöde har en ny adress; den gamla fungerar inte längre.",
    "Unknown action.": "Okänd åtgärd.",
    "Shown again; it will be back in your feed when you reload.": "Visas igen; den kommer tillbaka i ditt flöde när du laddar om.",
    "Saved to your reading list.": "Sparad i din läslista.",
    "Removed from your reading list.": "Borttagen från din läslista.",
    "Shown again.": "Visas igen.",
    "Your feed will show more like this.": "Ditt flöde visar mer sådant här.",
    "Your feed will show less like this.": "Ditt flöde visar mindre sådant här.",
}
PLURAL = {
    "%(n)s source": ("%(n)s källa", "%(n)s källor"),
}


def fill(path: Path, sv: dict, plural: dict) -> list:
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        if entry.msgid_plural:
            if entry.msgid in plural:
                entry.msgstr_plural = dict(enumerate(plural[entry.msgid]))
            else:
                missing.append(entry.msgid)
        elif entry.msgid in sv:
            entry.msgstr = sv[entry.msgid]
        else:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    po.save_as_mofile(str(path.with_suffix(".mo")))
    return missing


if __name__ == "__main__":
    print("missing:", fill(Path(__file__).parent / "sv" / "LC_MESSAGES" / "django.po", SV, PLURAL))
