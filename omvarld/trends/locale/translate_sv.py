"""Swedish for the trend radar: run after makemessages to fill the catalogue, then compile."""

from pathlib import Path


SV = {
    "Trend radar": "Trendradar",
    "Theme": "Tema",
    "Entry": "Objekt",
    "Term": "Ord",
    "weekly rising summary": "veckans ökningar",
    "weekly rising summaries": "veckans ökningar",
    "Trends": "Trender",
    "Themes, organisations, cities and words whose share of the monitored stream is rising. A trend needs several sources: one busy source cannot make one.":
        "Teman, organisationer, städer och ord vars andel av bevakningsflödet ökar. En trend kräver flera källor: en enda flitig källa kan inte skapa en.",
    "Period": "Period",
    "Weekly “what is rising” summaries": "Veckans ”det här ökar”",
    "new": "ny",
    "×%(g)s its earlier share": "×%(g)s mot tidigare andel",
    "Week by week": "Vecka för vecka",
    "%(label)s week by week": "%(label)s vecka för vecka",
    "Week from": "Veckan från",
    "Mentions": "Omnämnanden",
    "Per thousand entries": "Per tusen artiklar",
    "Computed %(at)s.": "Beräknad %(at)s.",
    "Nothing is rising across several sources in this period yet.": "Inget ökar i flera källor under den här perioden än.",
    "What is rising": "Det här ökar",
    "What is rising: weekly summaries": "Det här ökar: veckosammanfattningar",
    "Built every Monday from the trend radar. Turn one into a news notice with one click, then edit and publish it.":
        "Byggs varje måndag från trendradarn. Gör en till en notis med ett klick, redigera och publicera den sedan.",
    "Week of %(d)s": "Veckan från %(d)s",
    "Make a news notice of this": "Gör en notis av detta",
    "Nothing rose across several sources that week.": "Inget ökade i flera källor den veckan.",
    "No summary yet; the first is built on Monday.": "Ingen sammanfattning än; den första byggs på måndag.",
    "%(label)s: from %(first)s to %(last)s per thousand entries a week over %(weeks)s weeks": "%(label)s: från %(first)s till %(last)s per tusen artiklar i veckan under %(weeks)s veckor",
    "What is rising, week of %(date)s": "Det här ökar, veckan från %(date)s",
    "%(label)s: ×%(growth)s, in %(sources)s sources": "%(label)s: ×%(growth)s, i %(sources)s källor",
}
PLURAL = {
    "%(n)s week": ("%(n)s vecka", "%(n)s veckor"),
    "in %(n)s source": ("i %(n)s källa", "i %(n)s källor"),
    "%(n)s mention recently": ("%(n)s omnämnande nyligen", "%(n)s omnämnanden nyligen"),
    "%(n)s source": ("%(n)s källa", "%(n)s källor"),
}

if __name__ == "__main__":
    from omvarld.personal.locale.translate_sv import fill

    print("missing:", fill(Path(__file__).parent / "sv" / "LC_MESSAGES" / "django.po", SV, PLURAL))
