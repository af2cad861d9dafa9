"""Case, order, ticket, invoice, account and queue numbers: the Rasa entity or a labelled token."""

from __future__ import annotations

import re
from collections.abc import Sequence

from prima.core.complaint import Entity

from .brands import BRANDS, LINES
from .spans import Span, entity_spans, longest_first, word_before

# The same kinds of token as nlu/data/reference.yml's regexes.
_UNLABELLED = re.compile(
    r"\b[A-Za-z]{2,6}[-/](?=[A-Za-z0-9/-]*\d)[A-Za-z0-9]{3,}(?:[-/][A-Za-z0-9]+)*\b"
    r"|\b(?=(?:[A-Za-z]*\d){3})(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{6,20}\b"
    r"|\b\d{8,20}\b"
)
_LABEL = (
    r"pelanggan|plgn|pel|customer|order|pesanan|orderan|tiket|ticket|tkt|invoice|inv|faktur|"
    r"tagihan|resi|awb|waybill|tracking|antrian|antrean|queue|kasus|case|pengaduan|laporan|"
    r"keluhan|aduan|komplain|complaint|referensi|reference|ref|rekening|rek|akun|account|"
    r"meter|kontrak|polis|transaksi|trx|booking|reservasi|registrasi|pendaftaran|kartu|va|"
    r"virtual account|id pelanggan|idpel|member|struk|nota|kwitansi|kuitansi|receipt|bon|"
    r"bukti\s+(?:bayar|pembayaran|transfer)|nim|peserta|permohonan|pengajuan|klaim|claim|pnr|"
    r"pengiriman|shipment|kode\s+(?:bayar|pembayaran)|payment\s+code|rekam\s+medis|"
    r"medical\s+record|sambungan|ending|wo|work\s+order|service\s+order"
)
_NUMBER_WORD = r"(?:no|nomor|nomer|nmr|nr|number|num|kode|code|id)\.?"
_TOKEN = r"#?(?=[A-Za-z0-9#/.-]*\d)[A-Za-z0-9](?:[A-Za-z0-9]|[-/.](?=[A-Za-z0-9]))*"
_LABELLED = re.compile(
    rf"(?i)\b(?:{_NUMBER_WORD}\s*)?(?P<label>{_LABEL})\b\s*(?:{_NUMBER_WORD}\s*)?(?:saya\s+|sy\s+|"
    rf"ku\s+|my\s+)?(?:adalah\s+|is\s+)?[:=]?\s*(?P<token>{_TOKEN})"
    rf"|\b(?:no|nomor|nomer|nmr|number)\.?\s*[:#]?\s*(?P<bare>{_TOKEN})"
    rf"|(?<![\w&#])#\s?(?P<hash>{_TOKEN})"
)
# "0114 5520 9983": more digit groups after a labelled number, each a single space away.
_SPACED_GROUP = re.compile(r" \d{3,}(?![\w/:-]|[.,]\w)")
_UNIT_AFTER = re.compile(r"(?i)^\s*(?:rb|ribu|jt|juta|rupiah|k|hari|jam|menit|kali|x|pcs)\b")
# Personal numbers are not case references: NIK/KTP, family card, tax number, passport.
_PERSONAL_BEFORE = re.compile(
    r"(?i)\b(?:nik|ktp|e-ktp|induk\s+kependudukan|npwp|kk|kartu\s+keluarga|paspor|passport)\b"
    r"\W*(?:(?:no|nomor|nomer|nmr|number|saya|sy|ku|my|is|adalah)\b\W*)*$"
)
_PHONE = re.compile(r"^(?:\+?62|0)8\d{7,11}$")
_PHONE_LABEL = re.compile(r"(?i)\b(?:hp|telp|telepon|telpon|tlp|wa|whatsapp|phone|ponsel)\W*$")
_MONEY_BEFORE = re.compile(r"(?i)(?:\brp|\bidr|\$|\busd)\.?\s*$")
_MONEY_TOKEN = re.compile(r"(?i)^(?:rp|idr)|(?:rb|ribu|jt|juta|rupiah)$")
_AFTER_MONEY = re.compile(r"(?i)^\s*(?:rb|ribu|jt|juta|rupiah|k)\b")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?$")
_MONEY_LIKE = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_PLATE_BEFORE = re.compile(r"(?i)\b(?:plat|nopol|plate)\s*(?:nomor|no\.?)?\s*[A-Z]{0,2}\s*$")
# A model code is not a reference: "tipe ES-T85", "blender Philips HR2115".
_MODEL_BEFORE = re.compile(r"(?i)\b(?:tipe|type|model|seri|series)\s*$")
_DATE_BEFORE = re.compile(r"(?i)\b(?:tgl|tanggal|date|jam|pukul)\.?\s*$")


def find_reference(text: str, entities: Sequence[Entity] = ()) -> Span | None:
    """The first labelled reference in the message ("no pesanan X", "resi X"), else the
    first of Rasa's entity or a token of the kinds Rasa's regexes match; never money, a phone
    number, a date, a plate or a product's model."""
    labelled: list[Span] = []
    for m in _LABELLED.finditer(text):
        group = next(g for g in ("token", "bare", "hash") if m.group(g))
        start, end = m.start(group), m.end(group)
        if text[start] == "#":
            start += 1
        end = _with_groups(text, start, end)
        span = Span(start, end, text[start:end])
        label = (m.group("label") or "").casefold()
        long_enough = len(span.text) >= 3 or label in {"antrian", "antrean", "queue"}
        digits_enough = group == "token" or sum(c.isdigit() for c in span.text) >= 4
        # A bare "no 0812..." is a phone number; "no pesanan 0812..." is what it says.
        by_label = group == "token"
        if long_enough and digits_enough and _is_reference(text, span, labelled=by_label):
            labelled.append(span)
    if labelled:
        return longest_first(labelled)[0]
    candidates = [s for s in entity_spans(text, entities, "reference") if _is_reference(text, s)]
    candidates += [
        Span(m.start(), m.end(), m.group())
        for m in _UNLABELLED.finditer(text)
        if _is_reference(text, Span(m.start(), m.end(), m.group()))
    ]
    spans = longest_first(candidates)
    return spans[0] if spans else None


def _with_groups(text: str, start: int, end: int) -> int:
    """The end of the run when a number goes on in digit groups ("0114 5520 9983")."""
    if not re.fullmatch(r"\d[\d-]*", text[start:end]):
        return end
    while (m := _SPACED_GROUP.match(text, end)) and not _UNIT_AFTER.match(text[m.end() :]):
        end = m.end()
    return end


def _is_reference(text: str, span: Span, *, labelled: bool = False) -> bool:
    before, after, value = text[: span.start], text[span.end :], span.text
    if _PERSONAL_BEFORE.search(before):
        return False
    if _MONEY_BEFORE.search(before) or _MONEY_TOKEN.search(value) or _AFTER_MONEY.match(after):
        return False
    if _PLATE_BEFORE.search(before) or _DATE_BEFORE.search(before) or _DATE_LIKE.match(value):
        return False
    if _MONEY_LIKE.match(value):
        return False
    if _PHONE_LABEL.search(before) or _MODEL_BEFORE.search(before):
        return False
    brand = word_before(text, span.start)
    if brand and brand.group(1).casefold() in BRANDS | LINES and not labelled:
        return False
    digits = value.replace("-", "").replace(" ", "")
    return labelled or not _PHONE.match(digits)
