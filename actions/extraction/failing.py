"""Words saying a thing fails or went wrong: "mati", "gak bisa", "kepotong", "keeps crashing"."""

from __future__ import annotations

FAILING = (
    r"(?:(?:tidak|tdk|gak|ga|gk|nggak|ngga|enggak|belum|blm)\s+"
    r"(?:bisa|nyala|menyala|berfungsi|jalan|masuk(?!\s+akal)|sampai|sampe|datang|dingin|keluar|sesuai|"
    r"terkirim|diproses|konek|connect)|mati|rusak|bocor|error|eror|gagal|hang|lemot|lambat|macet|"
    r"mogok|ngadat|nyangkut|ketelan|tertelan|hilang|pecah|retak|sobek|robek|cacat|penyok|basi|"
    r"telat|terlambat|salah|putus|padam|blank|broke|broken|leaks?|leaking|stopped|won't|wont|"
    r"doesn't|isn't|wasn't|hasn't|never|crash\w*|died|dead|failed|missing|late|damaged|torn|"
    r"cracked|faulty|defective|wrong|keeps|not\s+working|force\s+close|ngelag|nge-lag|lag|bug|"
    r"restart\s+sendiri|mati\s+sendiri|not\s+responding)\b"
)
