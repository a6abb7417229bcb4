"""The writer's fast paths in person resolution give the answers of the plain comparison (issue 15).

``persons._resolve`` compares a group of a meeting only with the persons on its shortlist (those
sharing an index entry with each word of the name, ``persons.word_entries``) and ``persons.similar`` stops at the first
short word it cannot find; both must change nothing: the same person, method and score as
comparing every person of the registry.
"""

from __future__ import annotations

import itertools
import random

from pipeline import persons
from pipeline.names import normal_key
from pipeline.persons import Candidate, Group, Mention

FIRST = ["Anna", "Siw", "Jonas", "Charlott", "Kristina", "Per", "Eva", "Åsa", "Mohammed", "Li", "Bo", "Gunilla"]
LAST = ["Andersson", "Anderson", "Frostdahl-Blomqvist", "Frostdahl-Blomkvist", "Enocsson", "Enocson", "Berg",
        "Borg", "Ek", "Lind", "Karlsson", "Carlsson", "Nilsson", "Nilson", "Öberg"]


def _variants(first: str, last: str) -> list[str]:
    """How a protocol writes one person: in order, reversed, with an initial, in the genitive."""
    return [f"{first} {last}", f"{last} {first}", f"{first[0]} {last}", f"{first[0]}. {last}", f"{first} {last}s",
            f"{first} {last[:-1]}", f"{first} {last} {last}"]


def _names() -> list[str]:
    """Every variant of five given names with every family name: about 450 keys, 200,000 pairs."""
    return [v for first, last in itertools.product(FIRST[:5], LAST) for v in _variants(first, last)]


def test_a_key_that_matches_shares_an_entry_with_every_word() -> None:
    names = _names()
    keys = sorted({normal_key(n) for n in names})
    forms = sorted({f for n in names for f in persons.key_forms(n)})
    matched = near = 0
    for form in forms:
        for key in keys:
            found = persons._compare([form], [key])
            if found is not None:
                matched += 1
                near += found[0] == "similar"
                filed = {entry for word in key for entry in persons.word_entries(word)}
                assert all(filed & set(entries) for entries in map(persons.word_entries, form) if entries), (form, key)
    assert matched > len(forms) and near > 50  # exact, initials and near spellings among them


def test_one_edit_keeps_the_first_or_the_last_three_letters() -> None:
    """The ground of ``word_entries``: every word one edit from a word of 6 letters (or more) shares an entry with it."""
    word = "andersson"
    letters = "abcdeåäöns"
    edits = {word[:i] + c + word[i + 1:] for i in range(len(word)) for c in letters}  # substitutions
    edits |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}  # insertions
    edits |= {word[:i] + word[i + 1:] for i in range(len(word))}  # deletions
    edits.discard(word)
    assert all(persons._one_edit(word, other) for other in edits)
    for other in edits:
        assert set(persons.word_entries(word)) & set(persons.word_entries(other)), other
    for other in ("anders", "andrea"):  # six letters: still shared
        assert set(persons.word_entries(other[:-1] + "x")) & set(persons.word_entries(other))


def test_the_entries_of_a_word() -> None:
    assert persons.word_entries("anna") == ("anna",)
    assert persons.word_entries("s") == ()  # an initial opens any word
    assert persons.word_entries("andersson") == ("and ", " son")
    assert persons.word_entries("bo") == ("bo",)


def test_similar_gives_the_same_answer_as_the_full_search() -> None:
    def plain(a: tuple[str, ...], b: tuple[str, ...]) -> float:  # persons.similar before the early stop
        import difflib

        if len(a) != len(b) or a == b:
            return 0.0
        rest = list(b)
        for word in a:
            if word in rest:
                rest.remove(word)
                continue
            near = next((w for w in rest if min(len(w), len(word)) >= persons.SIMILAR_MIN_LETTERS
                         and persons._one_edit(w, word)), None)
            if near is None:
                return 0.0
            rest.remove(near)
        ratio = difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
        return ratio if ratio >= persons.SIMILAR_THRESHOLD else 0.0

    keys = sorted({normal_key(n) for n in _names()})
    hits = 0
    for a, b in itertools.product(keys, keys):
        assert persons.similar(a, b) == plain(a, b), (a, b)
        hits += persons.similar(a, b) > 0
    assert hits > 0


def _registry(rng: random.Random, sha: str) -> dict[int, Candidate]:
    found: dict[int, Candidate] = {}
    for person_id in range(1, 120):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        keys = {normal_key(v) for v in rng.sample(_variants(first, last), rng.randint(1, 3))}
        own = rng.random() < 0.1
        found[person_id] = Candidate(person_id, keys, {rng.choice(["S", "M", "C"])} if rng.random() < 0.7 else set(),
                                     {rng.choice(["KS", "KF", None])}, sha if own else "other",
                                     " ".join(sorted(keys)[0]) if own else None)
    return found


def _group(rng: random.Random) -> Group:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    names = rng.sample(_variants(first, last), rng.randint(1, 3))
    mentions = [(Mention("entities", k, n, None), "exact", 1.0) for k, n in enumerate(names)]
    return Group(normal_key(names[0]), names[0], rng.choice(["S", "M", None]), rng.random() < 0.5, mentions)


def test_the_shortlist_resolves_every_group_as_the_whole_registry_does() -> None:
    rng = random.Random(15)
    sha = "a" * 64
    compared = cut = 0
    for _ in range(40):
        candidates = _registry(rng, sha)
        index = persons.word_index(candidates)
        own = persons.own_persons(candidates, sha)
        taken = set(rng.sample(sorted(candidates), 5))
        for _ in range(25):
            group = _group(rng)
            plain, fast = Group(group.key, group.name, group.party, group.attendee, group.mentions), group
            persons._resolve(plain, candidates, taken, "KS", sha)
            persons._resolve(fast, candidates, taken, "KS", sha, index, own)
            assert (fast.person_id, fast.method, fast.score) == (plain.person_id, plain.method, plain.score)
            compared += plain.person_id is not None
            forms = [group.key] + [k for m, _, _ in group.mentions for k in persons.key_forms(m.name)[1:]]
            listed = persons.shortlist(forms, index, own)
            cut += listed is not None and len(listed) < len(candidates) / 4
    assert compared > 300  # most groups find someone: the test compares real matches
    assert cut > 700  # and the shortlist mostly leaves three quarters of the registry out (1000 groups)


def test_a_meeting_groups_its_mentions_alike_with_and_without_the_shortlist() -> None:
    """``group_meeting`` compares a mention only with the groups on its shortlist: the same groups, ties and methods."""
    rng = random.Random(16)
    grouped = 0
    for _ in range(60):
        mentions = []
        for k in range(rng.randint(0, 8)):  # attendees, a name twice now and then
            first, last = rng.choice(FIRST), rng.choice(LAST)
            mentions.append(Mention("attendees", k, rng.choice(_variants(first, last)[:2]), rng.choice(["S", "M", None]),
                                    attendee=True, kind="ledamot"))
        for k in range(rng.randint(5, 60)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = rng.choice(_variants(first, last) + [last, f"{last}s"])  # a lone surname too
            mentions.append(Mention(rng.choice(["entities", "proposals"]), k, name, rng.choice(["S", "M", None])))
        fast, plain = persons.group_meeting(mentions), persons.group_meeting(mentions, indexed=False)

        def seen(groups: list[Group]) -> list[tuple[object, ...]]:
            return [(g.key, g.name, g.party, g.attendee, [(m.table, m.row_id, method, score) for m, method, score in g.mentions])
                    for g in groups]

        assert seen(fast) == seen(plain)
        grouped += sum(len(g.mentions) > 1 for g in plain)
    assert grouped > 100  # mentions were tied to attendees and to each other, not only new groups
