"""0016_person_views: what each person did (issue 13). The views ``person_activity`` (per person
and year: meetings attended, as ledamot or ersättare, proposals, reservations, recusals, votes cast)
and ``person_votes`` (each vote a person cast, with the item, its outcome and the vote's counts).

Both read ``person_id`` of the rows (0014_persons): documents imported before 0014 appear once they
are imported again (``protokoll ingest --force``). The year is cut from the date's text, which reads
the same in SQLite (a 'YYYY-MM-DD' string) and PostgreSQL (a DATE cast to text), so both run one text.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

_YEAR = "CAST(SUBSTR(CAST(m.meeting_date AS TEXT), 1, 4) AS INTEGER)"

SQLITE = [
    "DROP VIEW IF EXISTS person_activity",
    f"""CREATE VIEW person_activity AS
        SELECT p.id AS person_id, p.name, p.organisation, {_YEAR} AS year,
               COUNT(DISTINCT CASE WHEN e.what = 'attended' THEN e.meeting_id END) AS meetings,
               COUNT(DISTINCT CASE WHEN e.what = 'attended' AND e.kind = 'ledamot' THEN e.meeting_id END) AS as_ledamot,
               COUNT(DISTINCT CASE WHEN e.what = 'attended' AND e.kind = 'ersattare' THEN e.meeting_id END) AS as_ersattare,
               SUM(CASE WHEN e.what = 'proposal' THEN 1 ELSE 0 END) AS proposals,
               SUM(CASE WHEN e.what = 'reservation' THEN 1 ELSE 0 END) AS reservations,
               SUM(CASE WHEN e.what = 'recusal' THEN 1 ELSE 0 END) AS recusals,
               SUM(CASE WHEN e.what = 'vote' THEN 1 ELSE 0 END) AS votes_cast
        FROM (SELECT a.person_id, a.meeting_id, a.kind, 'attended' AS what FROM attendees a
              UNION ALL
              SELECT x.person_id, i.meeting_id, NULL, 'proposal' FROM proposals x JOIN items i ON i.id = x.item_id
              UNION ALL
              SELECT x.person_id, i.meeting_id, NULL, 'reservation' FROM reservations x JOIN items i ON i.id = x.item_id
              UNION ALL
              SELECT x.person_id, i.meeting_id, NULL, 'recusal' FROM recusals x JOIN items i ON i.id = x.item_id
              UNION ALL
              SELECT vm.person_id, i.meeting_id, NULL, 'vote' FROM vote_members vm
              JOIN votes v ON v.id = vm.vote_id JOIN items i ON i.id = v.item_id
              WHERE vm.vote IN ('ja', 'nej', 'avstår')) e
        JOIN persons p ON p.id = e.person_id
        JOIN meetings m ON m.id = e.meeting_id
        GROUP BY p.id, p.name, p.organisation, {_YEAR}""",
    "DROP VIEW IF EXISTS person_votes",
    """CREATE VIEW person_votes AS
        SELECT p.id AS person_id, p.name, p.organisation, m.meeting_date, m.body, i.number, i.title,
               v.question, vm.vote, vm.party, i.outcome, v.ja, v.nej, v.avstar, v.id AS vote_id, i.id AS item_id
        FROM vote_members vm
        JOIN persons p ON p.id = vm.person_id
        JOIN votes v ON v.id = vm.vote_id
        JOIN items i ON i.id = v.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
]

POSTGRESQL = SQLITE
