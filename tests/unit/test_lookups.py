"""The place and item lookup tables, matched the way Rasa's RegexEntityExtractor matches them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from prima.core.complaint import Entity

NLU = Path(__file__).resolve().parents[2] / "nlu"


def _entries(block: dict[str, str]) -> list[str]:
    lines = (line.strip() for line in block["examples"].splitlines())
    return [line[2:].strip() for line in lines if line.startswith("- ")]


def lookups() -> dict[str, list[str]]:
    document = yaml.safe_load((NLU / "data" / "lookups.yml").read_text(encoding="utf-8"))
    return {b["lookup"]: _entries(b) for b in document["nlu"] if "lookup" in b}


def reference_regexes() -> list[str]:
    document = yaml.safe_load((NLU / "data" / "reference.yml").read_text(encoding="utf-8"))
    return [p for b in document["nlu"] if b.get("regex") == "reference" for p in _entries(b)]


def lookup_pattern(elements: list[str]) -> str:
    """rasa.nlu.utils.pattern_utils._generate_lookup_regex with word boundaries."""
    return "(\\b" + "\\b|\\b".join(re.escape(e) for e in elements) + "\\b)"


def rasa_entities(text: str) -> tuple[Entity, ...]:
    """The entities Rasa's RegexEntityExtractor (case-insensitive) gives for the text."""
    patterns = [("reference", p) for p in reference_regexes()]
    patterns += [(name, lookup_pattern(elements)) for name, elements in lookups().items()]
    return tuple(
        Entity(name, m.group(), m.start(), m.end())
        for name, pattern in patterns
        for m in re.finditer(pattern, text, flags=re.IGNORECASE)
    )


def spans(text: str, name: str) -> list[str]:
    return [e.value for e in rasa_entities(text) if e.entity == name]


FUNCTION_WORDS = frozenset(
    """
    di ke dari yang yg dan atau ini itu saya sy aku kamu anda dia kami kita mereka dengan dgn untuk
    pada dalam oleh juga sudah udah belum tidak tdk gak ga bukan ada akan bisa mau jadi karena
    tapi kalau kok sih dong ya min kak the a an and or of to in on at for with is are was be it
    my your this that from by as not no yes
    """.split()
)


def test_both_tables_exist_and_the_domain_lists_them() -> None:
    tables = lookups()
    assert set(tables) == {"place", "item"}
    domain = yaml.safe_load((NLU / "domain.yml").read_text(encoding="utf-8"))
    assert {"reference", "place", "item"} <= set(domain["entities"])
    assert len(tables["place"]) >= 150
    assert len(tables["item"]) >= 500


@pytest.mark.parametrize("name", ["place", "item"])
def test_no_duplicates(name: str) -> None:
    entries = [e.casefold() for e in lookups()[name]]
    assert sorted({e for e in entries if entries.count(e) > 1}) == []


@pytest.mark.parametrize("name", ["place", "item"])
def test_no_function_words(name: str) -> None:
    assert [e for e in lookups()[name] if e.casefold() in FUNCTION_WORDS] == []


@pytest.mark.parametrize("name", ["place", "item"])
def test_a_longer_entry_comes_before_the_entry_it_starts_with(name: str) -> None:
    """Rasa tries the alternatives in order: "rumah" first would cut "rumah sakit" short."""
    entries = [e.casefold() for e in lookups()[name]]
    late = [
        (short, long)
        for i, short in enumerate(entries)
        for long in entries[i + 1 :]
        if long.startswith(short + " ")
    ]
    assert late == []


def test_no_entry_is_both_a_place_and_an_item() -> None:
    tables = lookups()
    places = {e.casefold() for e in tables["place"]}
    assert [e for e in tables["item"] if e.casefold() in places] == []


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("modem di rumah saya di Bekasi mati", ["rumah", "Bekasi"]),
        ("antri lama di cabang Kelapa Gading", ["cabang", "Kelapa Gading"]),
        ("dirawat di rumah sakit daerah Sleman", ["rumah sakit", "Sleman"]),
        ("kantor pos Surabaya tutup", ["kantor pos", "Surabaya"]),
        ("saya tinggal di jakarta selatan", ["jakarta selatan"]),
        ("I waited two hours at the branch in Tangerang Selatan", ["branch", "Tangerang Selatan"]),
        ("kosan saya di Depok", ["kosan", "Depok"]),
        ("kasurnya kotor, rumahnya jauh", []),  # whole words only
    ],
)
def test_places(text: str, places: list[str]) -> None:
    assert spans(text, "place") == places


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("Modem ZTE di rumah saya mati", ["Modem"]),
        ("AC Daikin bocor terus", ["AC"]),
        ("aplikasi mobile banking error", ["aplikasi mobile banking"]),
        ("kartu ATM saya ketelan mesin ATM", ["kartu ATM", "mesin ATM"]),
        ("token listrik tidak masuk", ["token listrik"]),
        ("my credit card was charged twice", ["credit card"]),
        ("the washing machine and the TV broke", ["washing machine", "TV"]),
        ("pelayanannya lambat sekali", []),
        ("acara kemarin ramai", []),  # "ac" only as a whole word
    ],
)
def test_items(text: str, items: list[str]) -> None:
    assert spans(text, "item") == items


@pytest.mark.parametrize(
    ("text", "items"),
    [
        # clothing and shoes
        ("sepatu dan kemeja yang saya pesan belum datang", ["sepatu", "kemeja"]),
        ("the jacket and shoes arrived torn", ["jacket", "shoes"]),
        # documents
        ("paspor dan KTP saya tertinggal", ["paspor", "KTP"]),
        ("perpanjangan SIM C ditolak", ["SIM C"]),
        ("my passport and driving licence were lost", ["passport", "driving licence"]),
        # appliances in English
        ("the fridge, the washing machine and the microwave", ["fridge", "washing machine",
                                                              "microwave"]),
        ("water heater sama AC split rusak", ["water heater", "AC split"]),
        # baby goods
        ("stroller dan car seat cacat", ["stroller", "car seat"]),
        # food orders
        ("nasi box dari katering basi", ["nasi box", "katering"]),
        ("the meal box was cold", ["meal box"]),
        # bookings and appointments
        ("tiket pesawat dan booking hotel hilang", ["tiket pesawat", "booking hotel"]),
        ("my flight booking and appointment", ["flight booking", "appointment"]),
        # utilities
        ("air PDAM keruh, token listrik gagal", ["air PDAM", "token listrik"]),
        ("prepaid electricity meter beeping", ["prepaid electricity meter"]),
        # tuition and fees
        ("UKT dan SPP naik", ["UKT", "SPP"]),
        # a reference's label alone is not an item
        ("order 12345 booking 778812 ticket 4421", []),
    ],
)  # fmt: skip
def test_items_by_category(text: str, items: list[str]) -> None:
    assert spans(text, "item") == items


def test_references_come_from_reference_yml() -> None:
    assert spans("nomor pelanggan 122334455667", "reference") == ["122334455667"]
    assert spans("cek PRM-7K3Q ya", "reference") == ["PRM-7K3Q"]
