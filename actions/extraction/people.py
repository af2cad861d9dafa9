"""The staff member described: "petugas loket 2", "kurir JNE", "CS bernama Rina"."""

from __future__ import annotations

import re

_ROLES = (
    r"petugas|pegawai|karyawan|staf\s+member|staff\s+member|staf|staff|satpam|security\s+guard|security|sekuriti|kasir|kurir|driver|sopir|"
    r"supir|pengemudi|ojol|guard|cs|customer\s+service|teller|perawat|suster|bidan|dokter|dr|guru|"
    r"dosen|debt\s+collector|dc|penagih|resepsionis|receptionist|pelayan|waiter|waitress|agent|"
    r"agen|officer|cashier|nurse|doctor|teacher|courier|operator|admin|teknisi|technician|"
    r"manager|manajer|mandor|sales|marketing|frontliner|front\s+office|petugas\s+keamanan|"
    r"tukang\s+parkir|juru\s+parkir|jukir|wali\s+kelas|mas-mas|mbak-mbak|bapak-bapak|ibu-ibu"
)
# The department or duty said before an English role: "the check-in agent", "a housekeeping
# staff member", "the night nurse".
_DEPARTMENTS = (
    r"housekeeping|check-in|front\s+desk|front-desk|security|ground|cabin|delivery|parking|"
    r"night|day|duty|customer\s+service|call\s+cent(?:er|re)|counter|gate|booking|billing|"
    r"reception|maintenance|cleaning|kitchen|ticketing"
)
_QUALIFIERS = (
    r"keamanan|kebersihan|parkir|lapangan|jaga\s+(?:malam|malem|pagi|siang|sore)|jaga|piket|"
    r"pelayanan|pendaftaran|informasi|pengaduan|pembayaran|administrasi|kasir|pln|pdam|ojol|online|gojek|grab|maxim|"
    r"shopee|shopeefood|gofood|grabfood|jne|j&t|jnt|sicepat|anteraja|ninja|pos|tiki|lion|wahana|"
    r"ide|baru|senior|magang|perempuan|cewek|cewe|laki-laki|cowok|cowo|wanita|pria|tadi|itu|"
    r"at\s+the\s+counter|on\s+duty|at\s+the\s+desk|on\s+the\s+phone"
)
# A name set off by commas after the role: "wali kelas, Ibu Rina, ...".
_APPOSITION = r",\s+(?-i:(?:Bapak|Pak|Ibu|Bu|Mas|Mbak|Mr|Mrs|Ms)\.?\s+[A-Z][\w'-]*)(?=,)"
_DESCRIPTOR = (
    rf"(?:{_APPOSITION}|\s+(?:(?:di|at\s+the)\s+(?:call\s+cent(?:er|re)|front\s+desk|customer\s+service)\b|"
    rf"(?:(?:di|at)\s+)?(?:loket|meja|counter|desk|pos|gate|lantai)\s*(?:no\.?\s*)?"
    rf"[A-Za-z]?\d+[A-Za-z]?\b|(?:di\s+)?(?:loket|counter|desk)\b|"
    rf"(?:of|on)\s+(?:my|our|the)\s+(?:[\w-]+\s+)?(?:ride|trip|order|delivery|flight|bus|train)\b|"
    rf"(?:bagian|shift)\s+\w+|"
    rf"(?:dengan|dgn)\s+(?:plat|nopol)\s+[A-Z]{{1,2}}\s*\d{{1,4}}\s*[A-Z]{{0,3}}|"
    rf"(?:plat|nopol|plate|with\s+plate)\s+(?:nomor\s+|no\.?\s*)?[A-Z]{{1,2}}\s*\d{{1,4}}\s*[A-Z]{{0,3}}|"
    rf"(?:(?:yang|yg)\s+)?(?:bernama|namanya|nama(?:nya)?|atas\s+nama|an\.|a\.n\.?|(?:dengan|dgn)\s+nama|"
    rf"named|called|name\s+is)\s+(?-i:[A-Z][\w'-]*)(?:\s+(?-i:[A-Z][\w'-]*))?|"
    rf"{_QUALIFIERS}|(?-i:[A-Z][A-Za-z&]+)(?:\s+(?-i:[A-Z][A-Za-z&]+))?))"
)
_PERSON = re.compile(
    rf"(?i)(?:\b(?P<department>{_DEPARTMENTS})\s+)?\b(?P<role>(?:{_ROLES})(?:nya|ny)?)\b"
    rf"(?P<rest>{_DESCRIPTOR}{{0,2}})"
)
# Capitalised words after a role that are not names: sentence words, days, our own entities.
_NOT_NAMES = frozenset(
    "Saya Aku Kami Dia Ini Itu Yang Tadi Sudah Tidak Gak Senin Selasa Rabu Kamis Jumat Sabtu "
    "Minggu I The He She They It Was Is".split()
)


_PLACE_BEFORE = re.compile(r"(?i)\b(?:rs|rsud|rsia|rsup|rumah\s+sakit|klinik|jl|jln|jalan)\.?\s*$")


def find_person(text: str) -> str | None:
    """The first staff member mentioned, with what sets them apart."""
    for m in _PERSON.finditer(text):
        role = m.group("role")
        if role == "dr" or (role.casefold() == "admin" and not m.group("rest")):
            continue
        if role.casefold() == "dr" and _PLACE_BEFORE.search(text[: m.start()]):
            continue  # "RSUD Dr. Soetomo": a hospital named after a doctor
        if role.casefold() in {"dc", "sales"} and not m.group("rest"):
            continue
        rest = m.group("rest")
        words = rest.split()
        if words and words[0] in _NOT_NAMES:
            rest = ""
        elif len(words) > 1 and words[-1] in _NOT_NAMES:
            rest = rest[: rest.rindex(words[-1])].rstrip()
        department = m.group("department")
        role = f"{department} {role}" if department and _is_english(role) else role
        return (role + rest).strip().rstrip(".,")
    return None


_ENGLISH_ROLES = frozenset(
    """
    staff agent officer cashier nurse doctor teacher courier operator driver guard security
    receptionist waiter waitress technician manager teller
    """.split()
)


def _is_english(role: str) -> bool:
    """Whether a department word before the role belongs to it (English word order)."""
    return role.split()[0].casefold() in _ENGLISH_ROLES
