"""Writes one brief per corpus writer (run once; the briefs are kept as the corpus's record)."""
import random
from pathlib import Path

rng = random.Random(20261207)
QA = [f"q{i}" for i in range(1, 12)]
QS = [f"s{i}" for i in range(1, 9)]

writers = [
 # id, split, profile, nation/type, era, voice, numbering, format, d-variant, harm
 ("w01","dev","analysis","England, traditional serious case review (overview report)",2008,"a retired assistant director of children's services: formal, long paragraphs, cautious","4.12","txt","no headings at all, only numbered paragraphs","infant with non-accidental head injury"),
 ("w02","dev","analysis","England, LCSPR",2022,"an independent reviewer from a health-visiting background: warm, concrete, short sentences","Para 23","md","headings renamed to unusual ones (e.g. 'Looking back at the work', 'What stood in the way')","neglect of three siblings, home educated"),
 ("w03","dev","analysis","Wales, concise child practice review",2017,"a Welsh social work academic: precise, slightly formal; some Welsh place names","23.","txt","method moved to the end as an appendix","teenager at risk of criminal exploitation ('county lines')"),
 ("w04","dev","analysis","England, rapid review then LCSPR",2020,"a former police detective inspector: terse, factual, lists","4-12","md","no headings at all, only numbered paragraphs","sudden unexpected death of an infant, co-sleeping, parental alcohol use"),
 ("w05","dev","analysis","Scotland, significant case review",2015,"a Scottish child protection lead officer: measured, uses 'the review team', GIRFEC vocabulary","4.2.3","html","headings renamed to unusual ones","child with disabilities, fabricated or induced illness concerns"),
 ("w06","dev","analysis","England, serious case review (systems methodology era)",2014,"a consultant paediatrician turned reviewer: clinical, evidence-weighing","4.12","md","method moved to the end as an appendix","toddler death, domestic abuse, mother's new partner"),
 ("w07","dev","analysis","England, thematic LCSPR (three children)",2024,"a partnership business manager: plain, practical, organisational","A1","md","no headings at all, only numbered paragraphs","adolescent suicide, three young people, self-harm and online harm"),
 ("w08","dev","analysis","Scotland, learning review",2023,"a reflective practitioner-researcher: first person plural, curious, questions","23.","md","headings renamed to unusual ones","young child, parental mental illness, neglect"),
 ("w09","dev","analysis","Wales, extended child practice review",2012,"a former head teacher: education lens, careful","Para 23","txt","method moved to the end as an appendix","child sexual abuse by a family friend, disclosures at school"),
 ("w10","dev","analysis","England, serious case review (traditional, IMR-based)",2011,"a barrister-style independent chair: legalistic, long sentences","4.12","txt","headings renamed to unusual ones","starvation of a 7-year-old, mother's isolation, missed school"),
 ("w11","dev","analysis","England, LCSPR using a hybrid method",2021,"a young independent reviewer with youth-justice background: energetic, direct","4.2.3","html","no headings at all, only numbered paragraphs","baby with fractures, parents with learning disabilities"),
 ("w12","dev","analysis","England, LCSPR",2026,"a GP safeguarding lead: brisk, practical, NHS-flavoured","4-12","md","headings renamed to unusual ones","child with injuries after private fostering arrangement"),
 ("w13","dev","analysis","England, serious case review",2016,"a social work manager: empathetic but structured, cites practitioners' words","23.","md","method moved to the end as an appendix","older child, neglect over years, chronic neglect drift"),
 ("w14","dev","analysis","England, LCSPR (national panel era)",2019,"a former probation officer: risk-focused, precise about agencies","Para 23","txt","no headings at all, only numbered paragraphs","baby death, father with violent history released from prison"),
 ("w15","dev","sar-analysis","England, Safeguarding Adults Review",2021,"an adult social care consultant: careful with the Mental Capacity Act, humane","4.12","md","headings renamed to unusual ones","self-neglect and hoarding, older man, died in house fire"),
 ("w16","dev","sar-analysis","England, Safeguarding Adults Review",2024,"a mental-health nurse turned reviewer: plain, direct, uses the adult's own words","23.","txt","no headings at all, only numbered paragraphs","young woman with learning disability, exploitation ('cuckooing'), died"),
 ("t01","test","analysis","England, LCSPR",2023,"a community paediatric nurse: gentle, descriptive, concrete examples","Para 23","md","headings renamed to unusual ones","toddler ingestion of methadone"),
 ("t02","test","analysis","Wales, concise child practice review",2010,"a retired police superintendent: formal, authoritative","4.12","txt","no headings at all, only numbered paragraphs","teenager missing from care, sexual exploitation"),
 ("t03","test","analysis","Scotland, learning review",2025,"an educational psychologist: reflective, careful about certainty","A1","html","method moved to the end as an appendix","child with autism, restraint at school, harm at home"),
 ("t04","test","sar-analysis","England, Safeguarding Adults Review",2018,"a housing officer turned safeguarding lead: practical, housing and homelessness lens","4-12","md","headings renamed to unusual ones","rough sleeper with alcohol dependency died; repeated hospital discharges"),
]

def pick(dist):
    r = rng.random(); acc = 0.0
    for k, p in dist:
        acc += p
        if r < acc:
            return k
    return dist[-1][0]

STRONG = [("met", .55), ("partly_met", .25), ("not_evidenced", .2)]
WEAK = [("not_met", .55), ("partly_met", .2), ("not_evidenced", .25)]
MIXED = [("met", .25), ("partly_met", .4), ("not_met", .2), ("not_evidenced", .15)]
RARE_NOT_MET = {"q9", "q11", "s7"}
# a report with any analysis at all always says something on these
NEED_ANALYSIS = {"q3", "q5", "q7", "q10", "s4", "s5", "s2"}

def vector(qs, dist, weak=False):
    out = {}
    for q in qs:
        d = dist
        if q in ("q1", "q11") and dist is STRONG:
            d = [("met", .35), ("partly_met", .3), ("not_evidenced", .35)]
        r = pick(d)
        if q in NEED_ANALYSIS and r == "not_evidenced":
            r = "partly_met" if dist is not WEAK else "not_met"
        out[q] = r
    if weak:  # the weak variant must still be recognisably weak: most questions not met or partly
        pass
    return out

lengths = [(2200, 3200), (2500, 3500), (2000, 3000), (2400, 3400), (3000, 4500)]
for (wid, split, prof, kind, year, voice, num, fmt, dvar, harm) in writers:
    qs = QA if prof == "analysis" else QS
    fam = "f" + wid[1:] if split == "dev" else "x" + wid[1:]
    folder = f"corpus/{split}/{wid}"
    va, vc, ve = vector(qs, STRONG), vector(qs, WEAK, True), vector(qs, MIXED)
    lo, hi = rng.choice(lengths)
    e_year = rng.choice([2007, 2009, 2013, 2018, 2020, 2022, 2025])
    variants = "a, b, c, d, e" if split == "dev" else "a, b, c, d (no e)"
    fmt_line = lambda v: " ".join(f"{q}={v[q]}" for q in qs)
    text = f"""# Brief for writer {wid}

Read `WRITING.md` beside this file first: it says what the variants are, which phrases variant a
must not use, and the files to write. This brief is yours alone.

- Folder: `/work/main/{folder}/` (create it). Family id: `{fam}`. Writer id: `{wid}`. Profile: `{prof}`.
- Variants to write: {variants}.
- Review type and nation: {kind}. Report date: {year}.
- The harm in the case (a, b, c, d): {harm}. Invent the family, agencies and events.
- Your voice: {voice}.
- Paragraph numbering style: `{num}` (keep it in every report; e may use another style if its type calls for it).
- Format: `.{fmt}` for a, b, c, d; e in any of .md, .txt, .html.
- Length: {lo}-{hi} words for a, b and c; d the same as a; e 2,000-4,000 words.
- Variant d: {dvar}.
- Variant e: a different case and a different review type from a, dated {e_year}, in your voice.

Target ratings (what the text must deserve; a reader who has not seen these will rate it cold):
- a (and so b and d): {fmt_line(va)}
- c (weak, in jargon): {fmt_line(vc)}
""" + (f"- e (mixed): {fmt_line(ve)}\n" if split == "dev" else "") + """
Where a target is `not_evidenced`, the report says nothing either way on that question (e.g. no
word on the reviewer's own supervision; no method section at all). Where it is `not_met`, the report
visibly shows the opposite of what the question asks. `partly_met` means some of it, thinly or only
in places. Make the difference visible in the text, not in the vocabulary.
"""
    Path(f"{wid}.md").write_text(text)
print("ok")
