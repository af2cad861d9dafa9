"""Where it happened: a city, branch, office, address or room, in the customer's words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from prima.core.complaint import Entity

from .spans import Span, entity_spans, joined, merged, regex_spans

_NAMED = (
    r"cabang|kcp|kc|kantor|gerai|outlet|toko|store|stasiun|st\.|bandara|terminal|pelabuhan|halte|"
    r"rsud|rsia|rs|rumah\s+sakit|puskesmas|klinik|apotek|mall|kampus|sekolah|kelurahan|kecamatan|"
    r"samsat|pasar|hotel|perumahan|komplek|kompleks|apartemen|apartment|asrama|gedung|gym|cafe|"
    r"kafe|resto|restoran|rumah\s+makan|warung|bengkel|salon|spbu|gudang|depo|hub|"
    r"service\s+cent(?:er|re)|polres|polsek|polda|satpas|dukcapil|disdukcapil|kpp|imigrasi|"
    r"bank|bioskop|supermarket|swalayan|minimarket|showroom|dealer|indomaret|alfamart|alfamidi|"
    r"igd|poli|masjid|musala|musholla|mushola|gereja|taman|balai|universitas|univ"
)
_NUMBERED = r"loket|kamar|lantai|lt\.?|ruang|ruangan|meja|counter|gate|pintu|room|floor|unit"
# Blocks and towers are also named by a letter: "blok C7", "tower B".
_LETTERED = r"blok|block|blk\.?|tower|wing"
# Name words are separated by spaces or tabs, never by a line break ("Bengkel: X\nTgl: ...").
_SP = r"[ \t]+"
# Words that end a lower-case place name: they say something about it, not what it is called.
_STOP = frozenset(
    """
    yang yg saya sy aku gw gue kami kita di ke dari dr pada itu ini tsb tersebut dan atau tapi
    tp karena krn soalnya sejak tadi td kemarin kemaren jam pukul tgl tanggal sudah udah udh
    belum blm tidak tdk gak gk nggak ga enggak mati rusak lama lambet lambat antri antre
    petugas pegawai karyawan kasir satpam cs teller nya aja sangat sekali banget bgt tolong
    mohon min kak ya dong the a an and but is was my i we it manager staff owner employee clerk
    worker guard security on
    """.split()
)
# Lower-case words shaped like verbs are not names: "rumah sakit memberikan", "toko menolak".
_VERB_SHAPE = re.compile(r"(?i)^(?:mem|meng|meny|ber|ter)|kan$|nya$")
# Capitalised words before a place noun that are part of its name: a brand or an acronym
# ("Samsung Service Center", "IGD RS Harapan"), never a sentence word.
_BRAND_BEFORE = re.compile(
    r"(?:^|(?<=\s))((?:(?:[A-Z]{2,}|Samsung|Apple|Honda|Yamaha|Toyota)"
    r"[ \t]+){1,2})$"
)
_NAME_WORD = r"[A-Za-z0-9][\w'.-]*"
_AFTER_NAMED = re.compile(
    rf"(?i)\b(?P<noun>{_NAMED})\b(?:{_SP}(?P<name>(?-i:[A-Z0-9][\w'.-]*)(?:{_SP}(?-i:[A-Z0-9][\w'.-]*))"
    rf"{{0,3}}|{_NAME_WORD}))?"
)
_ROOM = re.compile(
    rf"(?i)\b(?:(?:{_NUMBERED})\s*(?:no\.?\s*|nomor\s+)?\d+[A-Za-z]?|"
    rf"(?:{_LETTERED})[ \t]*(?-i:[A-Z]{{1,2}}\d{{0,3}}|\d{{1,3}}[A-Z]?|[A-Z][a-z]+))\b"
)
_STREET = re.compile(
    rf"(?i)\b(?:jl|jln|jalan)\.?{_SP}(?-i:[A-Za-z0-9][\w'.-]*)(?:{_SP}(?-i:[A-Z0-9][\w'.-]*)){{0,4}}"
    r"(?:[ \t]*(?:no|nomor|km)\.?[ \t]*\d+[A-Za-z]?)?"
)
_HOME = re.compile(
    r"(?i)\b(?:di|ke|dari|at|in)\s+(?P<p>rumah|kos|kost|kosan|kontrakan|apartemen|kantor|home|"
    r"office|work)\b(?!\s+(?:sakit|makan|pos|cabang))"
)
# English: a name before what kind of place it is ("your Kemang branch", "the Mangga Dua
# service centre"), or a name after "at the" ("at the Grand Hyatt Jakarta").
_KINDS_EN = (
    r"branch|office|store|shop|outlet|service\s+cent(?:re|er)|hospital|clinic|station|mall|"
    r"airport|terminal|warehouse|hub|depot|counter|school|campus|hotel|restaurant|gym|showroom"
)
_BRANCH_EN = re.compile(
    rf"\b(?:at|in|from|to|near)\s+(?:the\s+|your\s+|our\s+|a\s+)?"
    rf"(?P<p>(?:[A-Z][\w'&-]*{_SP}){{1,3}}(?:{_KINDS_EN}))\b"
)
_AT_THE = re.compile(
    rf"\b(?:at|in|from|to)\s+the\s+(?P<p>[A-Z][\w'&-]*(?:{_SP}[A-Z][\w'&-]*){{0,3}})"
)
_CAPITALISED = re.compile(
    r"\b(?:di|daerah|wilayah|kota|kab\.?|kabupaten|in|at|from|dari)\s+"
    rf"(?P<p>[A-Z][a-z][\w'-]*(?:{_SP}[A-Z][a-z][\w'-]*){{0,3}})"
)
_NOT_PLACES = frozenset(
    "Senin Selasa Rabu Kamis Jumat Sabtu Minggu Google Play Store Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday January February March April May June July August "
    "September October November December".split()
)
# Capitalised words that end a name: sentence words after it ("di Bekasi Saya ...").
_NOT_NAME_WORDS = frozenset(
    "Saya Sy Aku Gw Gue Kami Kita Dia Yang Dan Tapi Sudah Udah Belum Tidak Gak Tolong Mohon "
    "I My We Our The And But It This That Please Dear Hi Halo Hello Tgl Tanggal".split()
)
# A capitalised word, acronym or number right before a place: part of its name.
_NAME_BEFORE = re.compile(r"(?:^|(?<=[ \t]))((?-i:[A-Z][\w'&.-]*|\d{1,3}))[ \t]+$")
# What may come before a place's name: a preposition or a place word.
_INTRODUCED = re.compile(
    rf"(?i)(?:\b(?:di|ke|dari|dr|depan|dekat|samping|belakang|sebelah|at|in|from|to|near|"
    rf"outside|inside|{_NAMED})|[(,])[ \t]+$"
)
# A part of the place after its name: "lantai 20", "sector 9", "pintu selatan", "Kelas I".
_NAME_AFTER = re.compile(
    r"(?i)(?:[ \t]+|[ \t]*/[ \t]*(?=rw))(?:(?:lantai|lt\.?|sektor|sector|koridor|corridor|pintu|"
    r"gate|exit|blok|block|tower|wing|kelas|class|rt|rw|no\.?)[ \t]*"
    r"(?:[A-Za-z]?\d+[A-Za-z]?(?:/\d+)?|(?-i:[IVX]+)\b|"
    r"utara|selatan|barat|timur|north|south|east|west|depan|belakang))"
)
_NAME_WORDS = 4
# How far before a place its name words are looked for (a word, with its spaces).
_LOOK_BACK = 60
# Words that may lie between parts of one place ("rumah saya di Bekasi", "Surabaya to Denpasar").
CONNECTORS = frozenset(
    "saya sy aku gw gue kami ku di daerah kota kab kabupaten wilayah my in at on the ke to".split()
)


def find_place(text: str, entities: Sequence[Entity] = ()) -> str | None:
    """The place(s) the message names, adjacent ones as one run ("rumah saya di Bekasi")."""
    found = entity_spans(text, entities, "place")
    looked_up = list(found)
    for m in _AFTER_NAMED.finditer(text):
        found.append(_named(text, m, looked_up))
    found += regex_spans(_ROOM, text) + regex_spans(_STREET, text)
    found += regex_spans(_HOME, text, "p") + regex_spans(_BRANCH_EN, text, "p")
    for s in regex_spans(_CAPITALISED, text, "p") + regex_spans(_AT_THE, text, "p"):
        name = _name_only(s)
        if name is not None and name.text.split()[0] not in _NOT_PLACES:
            found.append(name)
    # Overlapping finds are one place: "Indomaret" + "Jl. Ahmad Yani Pontianak".
    spans = merged(text, (_with_name(text, s) for s in found if s.text.strip()))
    return joined(text, spans, CONNECTORS)


def _with_name(text: str, span: Span) -> Span:
    """The place with the name words right around it: the capitalised words and numbers of
    a brand or unit before it ("Richeese Factory Margonda", "SD Negeri 03 Menteng"), and a
    floor, sector, door or corridor after it ("Menara BCA lantai 20", "Bintaro sector 9")."""
    start, end = span.start, span.end
    for _ in range(_NAME_WORDS):
        m = _NAME_BEFORE.search(text, max(0, start - _LOOK_BACK), start)
        if m is None or m.group(1) in _NOT_NAME_WORDS or m.group(1) in _NOT_PLACES:
            break
        start = m.start(1)
    if start < span.start and not _INTRODUCED.search(text, max(0, start - _LOOK_BACK), start):
        start = span.start  # a capitalised run that opens a sentence is not a name
    for _ in range(_NAME_WORDS):
        m = _NAME_AFTER.match(text, end)
        if m is None:
            break
        end = m.end()
    return Span(start, end, text[start:end])


def _name_only(span: Span) -> Span | None:
    """The span cut before the first capitalised word that is not part of a name."""
    words = span.text.split()
    kept: list[str] = []
    for w in words:
        if w in _NOT_NAME_WORDS or (w in _NOT_PLACES and kept):
            break
        kept.append(w)
    if not kept:
        return None
    value = " ".join(kept).rstrip(".,")
    return Span(span.start, span.start + len(value), value)


def _named(text: str, m: re.Match[str], looked_up: list[Span]) -> Span:
    """The place noun with the name after it: a looked-up name, capitalised words, or one
    lower-case word that is not a function word ("cabang margonda")."""
    start, end = m.start("noun"), m.end("noun")
    before = _BRAND_BEFORE.search(text[:start])
    if before is not None and not any(w in _NOT_NAME_WORDS for w in before.group(1).split()):
        start = before.start(1)
    follow = next(
        (s for s in looked_up if 0 < s.start - end <= 2 and not text[end : s.start].strip()), None
    )
    if follow is not None:
        end = _capitalised_after(text, follow.end)
    elif m.group("name"):
        words = m.group("name").split()
        if words[0][0].isupper() or words[0][0].isdigit():
            kept = []
            for w in words:
                if w.casefold() in _STOP:
                    break
                kept.append(w)
            if kept:
                end = m.start("name") + len(" ".join(kept))
        elif (
            words[0].casefold() not in _STOP
            and len(words[0]) > 2
            and not _VERB_SHAPE.search(words[0])
        ):
            end = m.start("name") + len(words[0])
    value = text[start:end].rstrip(".,")
    return Span(start, start + len(value), value)


def _capitalised_after(text: str, end: int) -> int:
    """The end of the name when capitalised words go on after it ("Kalibata City")."""
    for _ in range(2):
        m = re.match(r" ([A-Z][\w'&-]*)", text[end:])
        if m is None or m.group(1) in _NOT_NAME_WORDS or m.group(1) in _NOT_PLACES:
            break
        end += m.end()
    return end
