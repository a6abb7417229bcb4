"""Synthetic protocol-domain training text with PERSON/ORG/LOC spans.

Each generator writes one sentence or block in the phrasing of real Swedish meeting
protocols (yrkanden, beslutsgång, voteringar, expedieras-listor, attendance lines,
running text about municipalities, regions, agencies and companies), filled from the
hand-written lists in ``training/lexicon``. A ``Writer`` collects the text and the
character offsets of the entities. Party codes, dates, money and percentages are
written into the text but are *not* labelled: the tag stage's rule components own
those labels, and the statistical ``ner`` must leave them alone.

Variation is deliberate so the model learns the entities, not one template: case
(committees lower case in running text, capitalised first in a line), line breaks
anywhere (PDF extraction wraps lines mid-name), page-header blocks between sentences,
genitive forms ("Region Västerbottens", "SKR:s"), surname-first lists, lower-case
party codes and the odd stray comma ("Kjell Öjeryd, (V)").
"""

from __future__ import annotations

import random
from collections.abc import Callable

from lexicon import Lexicon

MONTHS = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]
TITLES = [
    "sekreterare", "nämndsekreterare", "kommundirektör", "regiondirektör",
    "regionala utvecklingsdirektören", "ekonomichef", "controller", "handläggare",
    "kommunjurist", "förvaltningschef", "stadsdirektör", "utredare", "verksamhetschef",
    "HR-chef", "kanslichef", "registrator", "planeringsledare", "näringslivschef",
]
ROLES = ["ordförande", "vice ordförande", "1:e vice ordförande", "2:e vice ordförande",
         "ledamot", "ersättare", "tjänstgörande ersättare", "ej tjänstgörande ersättare"]
TOPICS = [
    "budget för 2024", "detaljplan för bostäder", "översyn av taxor", "uppföljning av internkontroll",
    "samverkan inom regional utveckling", "investeringar i skollokaler", "ny renhållningsordning",
    "riktlinjer för försörjningsstöd", "kollektivtrafikens utbyggnad", "bredband på landsbygden",
    "arbetsmiljöfrågor", "friskvårdsbidrag", "medborgarlöfte", "näringslivsstrategi",
    "klimatanpassning", "destinationsutveckling", "tillfällig alkoholservering",
    "hedersrelaterat våld och förtryck", "sommarjobb för unga", "enskilda vägar",
]
GENERIC_SENTENCES = [
    "Ärendet bordläggs till nästa sammanträde.",
    "Nämnden ansvarar för samverkan med kommunerna enligt överenskommelsen.",
    "Förvaltningen har tagit fram ett förslag till beslut.",
    "Ordföranden finner att arbetsutskottet bifaller förslaget.",
    "Omröstning begärs och genomförs.",
    "Hur var och en röstar framgår av bilaga 2.",
    "Beslutet justeras omedelbart.",
    "Regionala utvecklingsdirektören ska lämna förslag på kostnadsreducerande åtgärder.",
    "Kommundirektören redogör för ärendet.",
    "Redovisningen antecknas och förklaras fullgjord.",
    "Motionen anses besvarad.",
    "Interpellationen besvaras varefter överläggning äger rum.",
    "Protokollet justeras digitalt.",
    "Ärendet kompletteras inför nämndens behandling.",
    "Arbetsutskottet föreslår att nämnden beslutar enligt förvaltningens förslag.",
    "Det finns därmed ingen skillnad principiellt mellan verksamheterna.",
    "Dagordningen godkänns.",
    "Inga jäv anmäls.",
    "Uppdraget förklaras fullgjort.",
    "Sparbetinget är inte definierat per kostnadsslag eller insats.",
    "Förslaget innebär att nettoramen minskar.",
    "Fullmäktige beslutar enligt styrelsens förslag.",
    "Kommunerna i länet ska betala mer i förhållande till regionen.",
    "Ledamöterna ställer sig bakom förslaget.",
    "Tjänsteskrivelse daterad 2023-05-05.",
    "Noteras bör att underlaget har kompletterats.",
    "Förutsättningen för strategin är att verksamheten har rådighet över medlen.",
    "Nämndsekretariatet stöder samverkansstrukturen.",
    "Ansvaret för uppföljningen ligger hos förvaltningen.",
    "Kvar i förvaltningen finns endast kärnverksamheten.",
    "Frågestund",
    "Information",
    "Fråga 2",
    "Fråga 4",
    "Ärendet utgår.",
    "Bordlagt den 24 april 2025, § 258.",
    "Återremitterat den 8 december 2022, § 35.",
    "Handling\n2025 nr 69.",
    "KF Handling 2024 nr 141",
    "Läget är nu mycket allvarligt!",
    "Beslut/beredning på sammanträdet:",
    "Samrådet noterar följande protokollsanteckning:",
    "Överenskommelsen bygger på ett gemensamt åtagande för länets utveckling.",
    "Besparingsförslaget skapar stor oro hos kommunerna.",
    "Tvister om tolkningen av detta avtal ska i första hand lösas genom dialog.",
    "Omröstningen utfaller med 41 Ja mot 38 Nej. 2 ledamöter är frånvarande.",
    "Regionala utvecklingsdirektören redogör för förslaget.",
    "Stadsdirektören informerar om läget.",
    "Hälso- och sjukvård samt regional utveckling är regionens huvuduppdrag.",
    "Bedömda resultat och konsekvenser",
    "Administrativ samordning och andra kostnadsminskningar",
    "Omvärldsbevakning",
    "Uppdraget förklaras fullgjort och antecknas.",
    "Vi i oppositionen reserverar oss mot beslutet.",
    "Ansvaret flyttas från och med nästa år.",
    "Enligt kommunallagen kan ordföranden vägra proposition.",
    "Godkänd voteringsproposition: \"Ja för bifall och Nej för avslag.\"",
    "Protokollet justeras på Stadshuset.",
    "Regionstyrelsen",
]
URLS = ["https://skr.se/skr/tjanster/rapporterochskrifter/publikationer/rapport.64841.html",
        "https://www.goteborg.se/wps/portal/start/kommun-och-politik",
        "https://www.regionvasterbotten.se/politik/protokoll", "www.umea.se/kommunfullmaktige"]
SECTION_HEADS = [
    "Beslut", "Yrkanden", "Yrkande", "Propositionsordning", "Beslutsgång", "Omröstning",
    "Votering", "Huvudvotering", "Reservation", "Reservationer", "Protokollsanteckning",
    "Handlingar", "Handling", "Beslutsunderlag", "Sammanfattning", "Ärendebeskrivning",
    "Bakgrund", "Förslag till beslut", "Tidigare behandling", "Jäv", "Expedieras till",
    "Beslutet skickas till", "Protokollsutdrag skickas till", "Information",
]


class Writer:
    """Accumulate text and entity character spans."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.length = 0
        self.ents: list[tuple[int, int, str]] = []

    def t(self, text: str) -> Writer:
        """Append plain text."""
        self.parts.append(text)
        self.length += len(text)
        return self

    def e(self, text: str, label: str, wrap: float = 0.04) -> Writer:
        """Append an entity; sometimes wrap it over a line break like PDF text."""
        if " " in text and self.rng.random() < wrap:
            i = self.rng.choice([k for k, ch in enumerate(text) if ch == " "])
            text = text[:i] + self.rng.choice(["\n", " \n"]) + text[i + 1:]
        start = self.length
        self.t(text)
        self.ents.append((start, self.length, label))
        return self

    def text(self) -> str:
        return "".join(self.parts)


def genitive(name: str) -> str:
    """Swedish genitive: add -s unless the name already ends in s, x or z."""
    return name if name[-1] in "sxzSXZ" else name + "s"


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


class Generator:
    """Fill protocol templates from a lexicon."""

    def __init__(self, lex: Lexicon, rng: random.Random) -> None:
        self.lex = lex
        self.rng = rng
        self.codes = [p.code for p in lex.parties]
        # Riksdag parties dominate real protocols.
        self.main_codes = [p.code for p in lex.parties if p.kind == "riksdag"]
        # Parties written out: the Riksdag parties and Demokraterna (large in Göteborg).
        self.party_words = [p.name for p in lex.parties if p.kind == "riksdag" or p.code == "D"]

    # ---- fillers -----------------------------------------------------------------
    def person(self) -> str:
        r = self.rng
        first = r.choice(self.lex.first_names)
        if r.random() < 0.06:
            first = f"{first}-{r.choice(self.lex.first_names)}" if r.random() < 0.5 else f"{first} {r.choice(self.lex.first_names)}"
        last = r.choice(self.lex.surnames)
        if r.random() < 0.08:
            last = f"{last}{r.choice([' ', '-'])}{r.choice(self.lex.surnames)}"
        return f"{first} {last}"

    def surname_first(self, name: str) -> str:
        first, last = name.split(" ", 1)
        return f"{last} {first}"

    def party(self) -> str:
        r = self.rng
        code = r.choice(self.main_codes) if r.random() < 0.85 else r.choice(self.codes)
        return code.lower() if r.random() < 0.05 else code

    def party_list(self) -> str:
        codes = self.rng.sample(self.main_codes + ["D"], self.rng.randint(1, 4))
        if len(codes) == 1:
            return codes[0]
        return ", ".join(codes[:-1]) + " och " + codes[-1]

    def p_party(self, w: Writer, name: str | None = None) -> str:
        """Write 'Name (P)' and return the name."""
        name = name or self.person()
        w.e(name, "PERSON")
        sep = ", " if self.rng.random() < 0.02 else " "
        w.t(f"{sep}({self.party()})")
        return name

    def date(self) -> str:
        r = self.rng
        y = r.choice(range(2019, 2027))
        d, m = r.randint(1, 28), r.randint(1, 12)
        form = r.random()
        if form < 0.4:
            return f"{d} {MONTHS[m - 1]}"
        if form < 0.7:
            return f"{d} {MONTHS[m - 1]} {y}"
        return f"{y}-{m:02d}-{d:02d}"

    def money(self) -> str:
        r = self.rng
        n = r.choice(["8", "4", "13,8", "21", "387 120", "140", "2,1", "1 250", "50", "7,5"])
        unit = r.choice(["miljoner kronor", "mkr", "mnkr", "kronor", "tkr", "miljarder kronor", "miljoner"])
        return f"{n} {unit}"

    def committee(self, cased: bool = False) -> str:
        c = self.rng.choice(self.lex.committees)
        if cased or self.rng.random() < 0.08:
            c = cap(c)
        if self.rng.random() < 0.02:
            c = c.title()
        return c

    def muni_org(self) -> str:
        return self.rng.choice(self.lex.municipalities).org

    def muni_loc(self) -> str:
        return self.rng.choice(self.lex.municipalities).name

    def region(self):
        return self.rng.choice(self.lex.regions)

    def agency(self) -> str:
        a = self.rng.choice(self.lex.agencies)
        if a == "Länsstyrelsen":
            a = f"Länsstyrelsen i {self.region().county}" if self.rng.random() < 0.7 else a
        return a

    def company(self) -> str:
        r = self.rng
        if r.random() < 0.5:
            return r.choice(self.lex.companies)
        place = self.muni_loc()
        return r.choice([
            f"Bostads AB {r.choice(['Poseidon', 'Mimer', 'Tornet', 'Vätterhem', 'Granen', 'Hemmet'])}",
            f"Fastighets AB {place}",
            f"{place} Energi AB",
            f"{place}hem AB",
            f"{genitive(r.choice(self.lex.surnames))} Bygg AB",
            f"{genitive(place)} Vatten AB",
            f"{place} Hamn AB",
            f"Stiftelsen {genitive(place)} Studentbostäder",
            f"Fastighets AB {place} {r.randint(1, 40)}:{r.randint(1, 9)}",
            f"{place} & Co AB",
            f"{place} & Co",
            f"Stiftelsen {r.choice(['Norrlandsfonden', 'Kulturarvet', place + 'stiftelsen'])}",
        ])

    def any_org(self) -> str:
        r = self.rng.random()
        if r < 0.25:
            return self.committee()
        if r < 0.45:
            return self.muni_org()
        if r < 0.6:
            return self.region().org
        if r < 0.8:
            return self.agency()
        return self.company()

    def street(self) -> str:
        num = self.rng.randint(1, 80)
        suffix = self.rng.choice(["", "", "", "A", "B"])
        return f"{self.rng.choice(self.lex.streets)} {num}{suffix}"

    def place(self) -> str:
        r = self.rng.random()
        if r < 0.5:
            return self.muni_loc()
        if r < 0.7:
            reg = self.region()
            return reg.county if self.rng.random() < 0.5 else reg.short
        return self.rng.choice(self.lex.places)

    def pgen(self, name: str) -> str:
        return genitive(name)

    # ---- templates ---------------------------------------------------------------
    def t_attendance(self, w: Writer) -> None:
        r = self.rng
        for i in range(r.randint(2, 7)):
            if i:
                w.t("\n")
            form = r.random()
            if form < 0.55:
                self.p_party(w)
                w.t(f", {r.choice(ROLES)}" if r.random() < 0.6 else "")
            elif form < 0.7:
                self.p_party(w)
                w.t(" ersätter ")
                self.p_party(w)
            elif form < 0.85:
                w.e(self.surname_first(self.person()), "PERSON")
                w.t(r.choice([f" ({self.party()})", f", {r.choice(ROLES)}", f" ({self.party()}) [X]", "  [ ]", ""]))
            else:
                w.e(self.person(), "PERSON")
                w.t(f", {r.choice(TITLES)}")

    def t_signatures(self, w: Writer) -> None:
        r = self.rng
        head = r.choice(["Justerare", "Utses att justera", "Sekreterare", "Ordförande", "Justerande",
                         "Underskrifter", "Justerandes signatur"])
        w.t(head + r.choice([": ", "\n", "\n\n"]))
        if r.random() < 0.5:
            self.p_party(w)
        else:
            w.e(self.person(), "PERSON")
        if r.random() < 0.4:
            w.t(r.choice([" och ", ", "]))
            w.e(self.person(), "PERSON")

    def t_yrkande(self, w: Writer) -> None:
        r = self.rng
        if r.random() < 0.25:
            w.t("Ordföranden ")
        self.p_party(w)
        if r.random() < 0.3:
            w.t(r.choice([" och ", ", "]))
            self.p_party(w)
        verb = r.random()
        if verb < 0.3:
            w.t(" yrkar bifall till ")
            w.e(genitive(self.committee()), "ORG")
            w.t(" förslag.")
        elif verb < 0.5:
            w.t(f" yrkar bifall till yrkande från {self.party_list()} den {self.date()}.")
        elif verb < 0.6:
            w.t(f" yrkar avslag på {r.choice(['motionen', 'yrkandet', 'samtliga yrkanden', 'förslaget'])}.")
        elif verb < 0.7:
            w.t(" yrkar att ärendet ska återremitteras till ")
            w.e(self.committee(), "ORG")
            w.t(".")
        elif verb < 0.8:
            w.t(f" yrkar bifall till förslaget från {self.party_list()} i ")
            w.e(self.committee(), "ORG")
            w.t(".")
        elif verb < 0.9:
            w.t(" föreslår bifall i enlighet med den politiska styrgruppens förslag till beslut i ")
            w.e(self.committee(), "ORG")
            w.t(":")
        else:
            w.t(" föreslår: Ärendet kompletteras inför ")
            w.e(genitive(self.committee()), "ORG")
            w.t(" behandling av ärendet.")

    def t_beslutsgang(self, w: Writer) -> None:
        r = self.rng
        a, b = self.person(), self.person()
        form = r.random()
        if form < 0.3:
            w.t("Ordföranden ställer proposition på ")
            w.e(genitive(a), "PERSON")
            w.t(" yrkande och finner att ")
            w.e(self.committee(), "ORG")
            w.t(" bifaller detsamma.")
        elif form < 0.5:
            w.t("Ordförande frågar om arbetsutskottet bifaller ")
            w.e(genitive(a), "PERSON")
            w.t(" förslag till beslut och finner att utskottet bifaller densamma.")
        elif form < 0.75:
            w.t('Godkänd voteringsproposition: "Ja för bifall till ')
            w.e(genitive(a), "PERSON")
            w.t(" yrkande och Nej för bifall till ")
            w.e(genitive(b), "PERSON")
            w.t(' yrkande."')
        else:
            w.t("Ordföranden ställer propositioner på yrkandena och finner att ")
            w.e(self.committee(), "ORG")
            w.t(" beslutat enligt ")
            w.e(genitive(a), "PERSON")
            w.t(" yrkande.")

    def t_votes(self, w: Writer) -> None:
        r = self.rng
        n = r.randint(2, 8)
        for i in range(n):
            if i == n - 1:
                w.t(" och ")
                if r.random() < 0.4:
                    w.t(r.choice(["ordföranden ", "tjänstgörande ersättaren "]))
            elif i:
                w.t(r.choice([", ", ",\n"]))
            self.p_party(w)
        w.t(f" röstar {r.choice(['Ja', 'Nej'])} ({n}).")

    def t_short_acts(self, w: Writer) -> None:
        r = self.rng
        form = r.random()
        if form < 0.15:
            w.t("På förslag av ")
            if r.random() < 0.3:
                w.t("ordföranden ")
            self.p_party(w)
            w.t(":")
        elif form < 0.3:
            self.p_party(w)
            w.t(" anmäler jäv och deltar inte i handläggningen.")
        elif form < 0.45:
            self.p_party(w)
            w.t(r.choice([" reserverar sig mot beslutet.", " reserverar sig mot beslutet till förmån för det egna yrkandet."]))
        elif form < 0.55:
            w.t(f"Ledamöterna {r.choice(['för', 'från'])} {self.party()} reserverar sig mot beslutet.")
        elif form < 0.7:
            self.p_party(w)
            w.t(f" antecknar som yttrande en skrivelse från den {self.date()}.")
        elif form < 0.8:
            w.t(r.choice(["Kommunalrådet ", "Kommunstyrelsens ordförande ", ""]))
            self.p_party(w)
            w.t(" besvarar frågan.")
        elif form < 0.9:
            w.t(r.choice(["Interpellation av ", "Motion av "]))
            self.p_party(w)
            if r.random() < 0.4:
                w.t(" och ")
                self.p_party(w)
            w.t(f" om {r.choice(TOPICS)}")
        else:
            self.p_party(w)
            w.t(" ställer en fråga till kommunalrådet ")
            w.e(self.person(), "PERSON")
            w.t(f" om {r.choice(TOPICS)}.")

    def t_expedieras(self, w: Writer) -> None:
        r = self.rng
        w.t(r.choice(["Expedieras till", "Beslutet skickas till", "Protokollsutdrag skickas till", "Expedieras:"]))
        w.t(r.choice(["\n", " \n", "\n\n", " "]))
        for i in range(r.randint(1, 5)):
            if i:
                w.t(r.choice(["\n", "\n", ", "]))
            kind = r.random()
            if kind < 0.45:
                w.e(cap(self.committee()), "ORG")
            elif kind < 0.65:
                w.e(self.any_org(), "ORG")
            elif kind < 0.8:
                names = [self.person() for _ in range(r.randint(1, 4))]
                for j, nm in enumerate(names):
                    if j:
                        w.t(", ")
                    w.e(nm, "PERSON")
            elif kind < 0.9:
                w.e(self.person(), "PERSON")
                w.t(f", {r.choice(TITLES)}")
            else:
                w.t(r.choice(["KF Handling 2024 nr 140", "Akten", "Diariet", "Ekonomienheten", "Samtliga nämnder"]))

    def t_running(self, w: Writer) -> None:
        r = self.rng
        reg = self.region()
        form = r.randrange(24)
        if form == 0:
            w.e(self.muni_org(), "ORG")
            w.t(" har ansökt om medel från ")
            w.e(self.agency(), "ORG")
            w.t(f" för {r.choice(TOPICS)}.")
        elif form == 1:
            w.t("Avtalet mellan ")
            w.e(reg.org, "ORG")
            w.t(" och kommunerna i ")
            w.e(reg.county if r.random() < 0.5 else reg.short, "LOC")
            w.t(f" gäller till och med {self.date()}.")
        elif form == 2:
            w.e(self.agency(), "ORG")
            w.t(" har beviljat ")
            w.e(self.muni_org(), "ORG")
            w.t(f" ett bidrag om {self.money()}.")
        elif form == 3:
            w.t(f"Förra året flyttade {r.choice(['förvaltningen', 'verksamheten', 'kansliet'])} från lokalen på ")
            w.e(self.street(), "LOC")
            w.t(" till ")
            w.e(r.choice(["Regionens hus", "Regionens Hus", "Stadshuset", "Rådhuset", "Kommunhuset", "Stadshuset"]), "LOC")
            w.t(".")
        elif form == 22:
            w.t(f"{r.choice(['Det dåvarande', 'Dåvarande'])} ")
            w.e(r.choice(["Landstinget", "Kommunförbundet", f"Landstinget i {reg.short}", f"Regionförbundet i {reg.short}"]), "ORG")
            w.t(" och kommunerna i ")
            w.e(reg.county, "LOC")
            w.t(" var överens.")
        elif form == 4:
            w.e(reg.short, "LOC")
            w.t(r.choice([" ligger i toppen vad gäller anslag per invånare.",
                          " har historiskt satsat lite egna medel på regional utveckling.",
                          " utmärker sig i det absoluta bottenskiktet."]))
        elif form == 5:
            w.t("Den finansiering som går till ")
            w.e(reg.county, "LOC")
            w.t(" är av stor vikt för ")
            w.e(genitive(reg.short), "LOC")
            w.t(" förmåga till tillväxt.")
        elif form == 6:
            w.t("Rapporten finns att läsa på ")
            ag = r.choice(["SKR", "Tillväxtverket", "Vinnova", "Boverket", "Socialstyrelsen", self.agency()])
            w.e(ag + ":s" if ag.isupper() else genitive(ag), "ORG")
            w.t(" hemsida.")
        elif form == 7:
            w.t("Den senaste rapportsammanställningen från ")
            w.e(r.choice(["Sveriges Kommuner och Regioner", "SKR", self.agency()]), "ORG")
            w.t(" visar att ")
            w.e(reg.org, "ORG")
            w.t(" ligger på fjärde plats.")
        elif form == 8:
            w.t("Remiss från ")
            w.e(r.choice(["Finansdepartementet", "Socialdepartementet", "Justitiedepartementet",
                          "Kulturdepartementet", "Utbildningsdepartementet", "Regeringskansliet"]), "ORG")
            w.t(f" - {cap(r.choice(TOPICS))} (SOU 2024:{r.randint(10, 90)})")
        elif form == 9:
            w.t("Hemställan från ")
            w.e(self.company(), "ORG")
            w.t(" om fusion av ")
            w.e(self.company(), "ORG")
            w.t(" och ")
            w.e(self.company(), "ORG")
        elif form == 10:
            w.e(r.choice(["Länsstyrelsen", f"Länsstyrelsen i {reg.county}"]), "ORG")
            w.t(f" har den {self.date()} beslutat utse ")
            self.p_party(w)
            w.t(" till ny ledamot i ")
            w.e(self.committee(), "ORG")
            w.t(" i stället för ")
            self.p_party(w)
            w.t(".")
        elif form == 11:
            w.t("Till ledamot i ")
            w.e(self.any_org(), "ORG")
            w.t(" utses ")
            w.e(self.person(), "PERSON")
            w.t(".")
        elif form == 12:
            w.e(cap(self.committee()), "ORG")
            w.t(" tillstyrker ")
            w.e(genitive(self.committee()), "ORG")
            w.t(" förslag och föreslår att ")
            w.e(self.committee(), "ORG")
            w.t(" beslutar:")
        elif form == 13:
            w.e(cap(genitive(self.committee())), "ORG")
            w.t(f" tjänsteutlåtande den {self.date()}.")
        elif form == 14:
            w.t(f"Yrkande från {self.party_list()} den {self.date()}.")
        elif form == 15:
            w.t("Samverkan mellan ")
            w.e(self.muni_org(), "ORG")
            w.t(", ")
            w.e(self.muni_org(), "ORG")
            w.t(" och ")
            w.e(reg.org, "ORG")
            w.t(f" kring {r.choice(TOPICS)} fortsätter.")
        elif form == 16:
            w.t(f"Under våren besökte {r.choice(['nämnden', 'utskottet', 'presidiet'])} ")
            w.e(self.place(), "LOC")
            w.t(" och ")
            w.e(self.place(), "LOC")
            w.t(".")
        elif form == 17:
            w.e(genitive(reg.org), "ORG")
            w.t(f" kostnader för {r.choice(TOPICS)} uppgår till {self.money()}.")
        elif form == 18:
            w.t("Beslutet fattades av ")
            w.e(self.committee(), "ORG")
            w.t(f" den {self.date()} och gäller för verksamheten i ")
            w.e(self.muni_loc(), "LOC")
            w.t(".")
        elif form == 19:
            w.t("Mötet hålls i ")
            w.e(r.choice(["Stadshuset", "Regionens hus", "Rådhuset"]), "LOC")
            w.t(", ")
            w.e(self.street(), "LOC")
            w.t(f", {self.date()}, klockan {r.randint(8, 18)}:00.")
        elif form == 23:
            w.t("Avtal mellan ")
            w.e(genitive(reg.county), "LOC")
            w.t(" kommuner och ")
            w.e(reg.org, "ORG")
            w.t(" tecknades i fullständig enighet.")
        elif form == 20:
            w.t("Redovisning av uppdrag om samarbete med ")
            w.e(self.agency(), "ORG")
            w.t(", ")
            w.e(self.agency(), "ORG")
            w.t(" och ")
            w.e(self.agency(), "ORG")
            w.t(f" i syfte att {r.choice(['beivra fusk', 'utveckla samverkan', 'minska kostnaderna'])}.")
        else:
            w.t("Överenskommelsen om samverkan mellan ")
            w.e(reg.org, "ORG")
            w.t(" och kommunerna i ")
            w.e(reg.county, "LOC")
            w.t(f" gäller 2023–2026 och omfattar {r.randint(5, 49)} kommuner i ")
            w.e("Sverige" if r.random() < 0.3 else reg.short, "LOC")
            w.t(".")

    def t_item(self, w: Writer) -> None:
        """Item heading: paragraph number, case number, title (often with an entity)."""
        r = self.rng
        n = r.randint(1, 700)
        w.t(r.choice([f"§ {n} Ärendenummer SLK-20{r.randint(19, 26)}-{r.randint(1, 1500):05d}",
                      f"§ {n}", f"{n} §", f"KF § {n}", f"§{n}", f"§ {n} {r.randint(100, 999):04d}/{r.randint(19, 26)}",
                      f"§ {n} Dnr KS 20{r.randint(19, 26)}/{r.randint(1, 999)}", f"§ {n} RUN {r.randint(100, 999)}-2022"]))
        w.t(r.choice(["\n", "\n\n"]))
        form = r.random()
        if form < 0.2:
            w.t("Hemställan från ")
            w.e(self.company(), "ORG")
            w.t(f" om {r.choice(TOPICS)}")
        elif form < 0.35:
            w.t(r.choice(["Motion av ", "Interpellation av ", "Yrkande från "]))
            if r.random() < 0.7:
                self.p_party(w)
            else:
                w.t(self.party())
            w.t(f" om {r.choice(TOPICS)}")
        elif form < 0.45:
            w.e(genitive(self.muni_org()) if r.random() < 0.7 else genitive(self.region().org), "ORG")
            w.t(f" program för {r.choice(TOPICS)} 2024–2030")
        elif form < 0.55:
            w.t("Remiss från ")
            w.e(r.choice(["Finansdepartementet", "Socialdepartementet", "Justitiedepartementet", "Kulturdepartementet",
                          "Boverket", "Trafikverket", self.agency()]), "ORG")
            w.t(f" - {cap(r.choice(TOPICS))}")
        elif form < 0.65:
            w.t("Redovisning av uppdrag till ")
            w.e(self.company() if r.random() < 0.5 else self.committee(), "ORG")
            w.t(f" att utreda {r.choice(TOPICS)}")
        else:
            w.t(cap(r.choice(TOPICS)) + r.choice(["", " i ", " inom "]))
            if w.parts[-1].endswith(("i ", "inom ")):
                w.e(self.place(), "LOC")
        w.t(r.choice(["\nBeslut\n\n", "\n\nBeslut\n\n", "\nSammanfattning\n\n"]))
        if r.random() < 0.5:
            w.t("Enligt ")
            if r.random() < 0.7:
                w.e(genitive(self.committee()), "ORG")
                w.t(" förslag:")
            else:
                w.t(f"yrkande från {self.party_list()}:")

    def t_body_header(self, w: Writer) -> None:
        """Göteborg-style running header: '<City> <Body>, protokoll' plus page number."""
        r = self.rng
        w.e(self.muni_org(), "ORG")
        w.t(" ")
        body = cap(r.choice(["kommunfullmäktige", "kommunstyrelsen", self.committee()]))
        w.e(body, "ORG")
        w.t(f", protokoll\n\n{r.randint(2, 40)} ({r.randint(40, 140)})\n\n")
        w.e(body, "ORG")
        w.t(f"\n\nProtokoll {r.choice(['(nr 6)', 'nr 5', 'nr 21'])}\nSammanträdesdatum: {self.date()}")

    def t_party_words(self, w: Writer) -> None:
        """Parties written out are PARTY (rule component), not ORG: leave unlabelled."""
        r = self.rng
        pw = r.choice(self.party_words)
        w.t(r.choice([f"Vi i {pw} reserverar oss mot beslutet.", f"{pw} anser att förslaget är bra.",
                      f"Ledamöterna för {pw} lämnar en protokollsanteckning.",
                      f"{genitive(pw)} grupp yrkar avslag.", f"Företrädare för {pw} deltar inte i beslutet."]))

    def t_url(self, w: Writer) -> None:
        w.t(self.rng.choice(URLS))

    def t_generic(self, w: Writer) -> None:
        w.t(self.rng.choice(GENERIC_SENTENCES))

    def t_head(self, w: Writer) -> None:
        w.t(self.rng.choice(SECTION_HEADS))

    def t_page_header(self, w: Writer) -> None:
        """Running header/footer as extraction drops it between sentences."""
        r = self.rng
        w.t(r.choice(["Protokoll", "Sammanträdesprotokoll", "Protokoll (nr 6)", "Protokoll nr 21"]))
        w.t("\n\nSammanträdesdatum" + r.choice(["\n", ": "]))
        if r.random() < 0.5:
            body = cap(self.committee())
            w.e(body, "ORG", wrap=0.3)
            w.t("\n\n")
        w.t(f"{self.date()}\n\n")
        w.t(r.choice(["Utdragsbestyrkande", "Justerandes signatur", f"Sida {r.randint(2, 30)} av {r.randint(30, 140)}",
                      f"{r.randint(2, 40)} ({r.randint(40, 140)})"]))

    def document(self) -> tuple[str, list[tuple[int, int, str]]]:
        """One synthetic protocol passage of 1-6 blocks."""
        r = self.rng
        table: list[tuple[float, Callable[[Writer], None]]] = [
            (2.0, self.t_attendance), (0.6, self.t_signatures), (3.0, self.t_yrkande),
            (1.5, self.t_beslutsgang), (1.2, self.t_votes), (2.5, self.t_short_acts),
            (1.8, self.t_expedieras), (5.0, self.t_running), (1.0, self.t_generic),
            (0.8, self.t_head), (0.3, self.t_page_header), (1.5, self.t_item),
            (0.4, self.t_body_header), (0.4, self.t_party_words), (0.2, self.t_url),
        ]
        weights = [x for x, _ in table]
        w = Writer(r)
        prev = None
        for i in range(r.randint(1, 6)):
            if i:
                # Lists and headings end a line; sentences may run on.
                if prev in (self.t_attendance, self.t_expedieras, self.t_head, self.t_signatures, self.t_page_header,
                            self.t_item, self.t_body_header, self.t_url):
                    w.t(r.choice(["\n", "\n\n", " \n"]))
                else:
                    w.t(r.choice([" ", "\n", "\n\n", " \n"]))
            prev = r.choices([f for _, f in table], weights)[0]
            prev(w)
        text = w.text()
        ents = w.ents
        if r.random() < 0.15:
            # Random internal line breaks, as in wrapped PDF text.
            chars = list(text)
            for k, ch in enumerate(chars):
                if ch == " " and r.random() < 0.06:
                    chars[k] = "\n"
            text = "".join(chars)
        return text, ents
