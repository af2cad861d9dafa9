"""Reading what a customer's message says about their case: pure, against a fixed `now`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from actions.extraction import Said, describe, read_needs
from tests.unit.test_lookups import rasa_entities

JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 3, 17, 10, 0, tzinfo=JAKARTA)  # a Tuesday


def read(text: str) -> Said:
    return read_needs(text, rasa_entities(text), now=NOW)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=JAKARTA)


def test_the_message_that_says_everything() -> None:
    said = read(
        "Modem ZTE di rumah saya di Bekasi mati total sejak semalam, nomor pelanggan "
        "122334455667. Tolong diganti hari ini."
    )
    assert said.item == "Modem ZTE"
    assert said.place is not None
    assert "Bekasi" in said.place
    assert said.time == "sejak semalam"
    assert said.when == at(16, 20)
    assert said.reference == "122334455667"
    assert said.wish == "diganti hari ini"
    assert said.resolution == "repair"
    assert not said.already_said
    assert set(said.fields()) == {"reference", "place", "time", "item", "wish"}


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("cek tiket PRM-7K3Q dong", "PRM-7K3Q"),
        ("no pelanggan 122334455667", "122334455667"),
        ("nomor antrian A-023 dilewati", "A-023"),
        ("resi JP1234567890 belum sampai", "JP1234567890"),
        ("order #INV/2024/11/0042 belum dikirim", "INV/2024/11/0042"),
        ("ticket 55821 has had no reply", "55821"),
        ("my order number is ORD-88123", "ORD-88123"),
        ("idpel 5123456789 token gak masuk", "5123456789"),
    ],
)
def test_references(text: str, reference: str) -> None:
    assert read(text).reference == reference
    assert read_needs(text, now=NOW).reference == reference  # without the NLU too


@pytest.mark.parametrize(
    "text",
    [
        "pengen cepet dibenerin",
        "udah bayar Rp 1.250.000 tapi belum masuk",
        "ditagih Rp2 jt padahal cuma 150rb",
        "transfer Rp12500000 kemarin",
        "tagihan 1.250.000 kok naik",
        "hubungi no hp 081234567890",
        "kejadian tgl 17/03/2026 jam 14.00",
        "driver plat B1234XYZ ngebut",
        "gatau",
    ],
)
def test_no_reference(text: str) -> None:
    assert read(text).reference is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("antri 2 jam di cabang Kelapa Gading", "cabang Kelapa Gading"),
        ("petugas di cabang margonda jutek", "cabang margonda"),
        ("lama banget di loket 3", "loket 3"),
        ("AC kamar 305 bocor", "kamar 305"),
        ("lift di lantai 2 mati", "lantai 2"),
        ("alamat saya jl. Margonda Raya no 5", "jl. Margonda Raya no 5"),
        ("wifi di rumah mati", "rumah"),
        ("antrian di RS Hermina parah", "RS Hermina"),
        ("puskesmas Tebet tutup", "puskesmas Tebet"),
        ("I waited an hour at the Sudirman branch", "Sudirman branch"),
        ("the app crashes in Bekasi", "Bekasi"),
        ("internet mati di surabaya", "surabaya"),
        # Longer names, kinds of place after an English name, blocks, routes.
        ("lift apartemen Green Bay Tower mati", "apartemen Green Bay Tower"),
        ("tadi di gym Atlas Sunter AC nya panas", "gym Atlas Sunter"),
        ("SIM sy blm jadi di Satpas Polres Depok", "Satpas Polres Depok"),
        ("The cashier at your Pluit branch ignored me", "Pluit branch"),
        ("my phone was lost at the Cikarang service center", "Cikarang service center"),
        ("we stayed at the Aston Priority Simatupang last week", "Aston Priority Simatupang"),
        ("the queue at Mayapada Hospital Lebak Bulus was long", "Mayapada Hospital Lebak Bulus"),
        ("air mati di Perumahan Taman Sari blok D12, Cibubur", "Perumahan Taman Sari blok D12, Cibubur"),  # noqa: E501
        ("flight from Medan to Batam was cancelled", "Medan to Batam"),
        ("di Bekasi Saya sudah lapor", "Bekasi"),
    ],
)  # fmt: skip
def test_places(text: str, place: str) -> None:
    assert read(text).place == place


@pytest.mark.parametrize(
    ("text", "time", "when"),
    [
        ("mati sejak semalam", "sejak semalam", at(16, 20)),
        ("td mlm gk nyala", "td mlm", at(16, 20)),
        ("saya datang tadi pagi jam 9", "tadi pagi jam 9", at(17, 9)),
        ("kemarin sore kurirnya marah", "kemarin sore", at(16, 15)),
        ("kemaren udah lapor", "kemaren", at(16, 10)),
        ("pesan tgl 3 belum datang", "tgl 3", at(3)),
        ("bayar tanggal 20 belum masuk", "tanggal 20", at(20, month=2)),
        ("hari senin saya antri", "hari senin", at(16)),
        ("datang jam 9 tutup", "jam 9", at(17, 9)),
        ("pukul 14.00 WIB listrik padam", "pukul 14.00 WIB", at(16, 14)),
        ("3 hari yang lalu saya kirim", "3 hari yang lalu", at(14, 10)),
        ("udah 3 hari gak nyala", "udah 3 hari", at(14, 10)),
        ("minggu lalu saya komplain", "minggu lalu", at(10, 10)),
        ("bulan lalu ditagih dua kali", "bulan lalu", at(17, 10, month=2)),
        ("kejadiannya 3 maret", "3 maret", at(3)),
        ("down since last night", "since last night", at(16, 20)),
        ("it happened yesterday afternoon", "yesterday afternoon", at(16, 15)),
        ("ordered last Friday", "last Friday", at(13)),
        ("the lift broke this morning", "this morning", at(17, 9)),
        ("paid on the 3rd", "on the 3rd", at(3)),
        ("sent 2 days ago", "2 days ago", at(15, 10)),
        ("no signal for a week", "for a week", at(10, 10)),
    ],
)
def test_times(text: str, time: str, when: datetime) -> None:
    said = read(text)
    assert said.time == time
    assert said.when == when
    assert said.when is not None
    assert said.when.tzinfo == JAKARTA


@pytest.mark.parametrize(
    ("text", "time"),
    [
        # Since when says when the problem began, better than an earlier date.
        ("diservis tgl 2, sejak kemarin mati lagi", "sejak kemarin"),
        ("picked it up on the 3rd, since yesterday it won't charge", "since yesterday"),
        # A deadline the customer sets is not when it happened.
        ("should have arrived by Tuesday, still nothing 3 days ago", "3 days ago"),
        ("tolong sebelum jam 3 ya, AC mati dari tadi pagi", "dari tadi pagi"),
        # Ranges of days, and a clock time with its part of the day.
        ("menginap tanggal 2-5 April 2024", "tanggal 2-5 April 2024"),
        ("pesan jam 12an td siang", "jam 12an td siang"),
        ("it broke yesterday at about 5pm", "yesterday at about 5pm"),
        ("booked for Saturday between 9 and 12", "Saturday between 9 and 12"),
    ],
)
def test_which_time(text: str, time: str) -> None:
    assert read(text).time == time


def test_a_greeting_is_not_a_time() -> None:
    assert read("selamat pagi min, modem saya mati").time is None


def test_the_wish_keeps_its_own_time() -> None:
    said = read("AC mati sejak kemarin, tolong teknisinya datang hari ini")
    assert said.time == "sejak kemarin"
    assert said.wish == "teknisinya datang hari ini"


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("Modem ZTE saya mati", "Modem ZTE"),
        ("AC Daikin bocor", "AC Daikin"),
        ("aplikasi mobile banking error terus", "aplikasi mobile banking"),
        ("kartu ATM saya ketelan", "kartu ATM"),
        ("router TP-Link F609 merah", "router TP-Link F609"),
        ("token listrik gak masuk", "token listrik"),
        ("the washing machine I bought leaks", "washing machine"),
        ("pelayanannya lambat", None),
        ("no hp saya 081234567890", None),
    ],
)
def test_items(text: str, item: str | None) -> None:
    assert read(text).item == item


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("petugas loket 2 marah-marah", "petugas loket 2"),
        ("kurirnya gak sopan", "kurirnya"),
        ("kurir JNE lempar paket", "kurir JNE"),
        ("driver plat B 1234 XYZ ngebut", "driver plat B 1234 XYZ"),
        ("CS bernama Rina menutup telepon", "CS bernama Rina"),
        ("satpamnya galak", "satpamnya"),
        ("teller yg namanya Budi judes", "teller yg namanya Budi"),
        ("the cashier was rude", "cashier"),
        ("the officer at the counter ignored me", "officer at the counter"),
        ("a security guard named Joko shouted at us", "security guard named Joko"),
        ("the guard at the gate laughed", "guard"),
        ("CS di call center nutup telpon", "CS di call center"),
        ("modem mati", None),
    ],
)
def test_people(text: str, person: str | None) -> None:
    assert read(text).person == person


@pytest.mark.parametrize(
    ("text", "wish", "resolution"),
    [
        ("tolong diganti hari ini", "diganti hari ini", "repair"),
        ("tlg diperbaiki ya min", "diperbaiki", "repair"),
        ("pengen cepet dibenerin", "cepet dibenerin", "repair"),
        ("mohon dicek kak 🙏", "dicek", "repair"),
        ("tolong dikirim ulang", "dikirim ulang", "repair"),
        ("saya minta refund", "minta refund", "refund"),
        ("minta ganti rugi", "minta ganti rugi", "refund"),
        ("mau uang saya dikembalikan", "uang saya dikembalikan", "refund"),
        ("mohon penjelasannya", "penjelasannya", "explanation"),
        ("saya ingin kejelasan kapan paket sampai", "kejelasan kapan paket sampai", "explanation"),
        ("saya mau petugasnya minta maaf", "petugasnya minta maaf", "apology"),
        (
            "harap disediakan ruang tunggu yang nyaman",
            "disediakan ruang tunggu yang nyaman",
            "comfort",
        ),
        ("I want a technician tomorrow", "a technician tomorrow", "repair"),
        ("I'd like a refund", "a refund", "refund"),
        ("refund please", "refund", "refund"),
        ("please fix it", "fix it", "repair"),
        ("I would like an explanation", "an explanation", "explanation"),
        ("I want an apology from the manager", "an apology from the manager", "apology"),
    ],
)
def test_wishes(text: str, wish: str, resolution: str) -> None:
    said = read(text)
    assert (said.wish, said.resolution) == (wish, resolution)


@pytest.mark.parametrize(
    "text", ["tolong dibantu ya min", "mohon maaf mengganggu", "mau tanya jadwal", "modem mati"]
)
def test_no_wish(text: str) -> None:
    assert read(text).wish is None


@pytest.mark.parametrize("text", ["gatau", "lupa", "nggak tahu", "tidak ingat", "I don't know"])
def test_non_answers_say_nothing(text: str) -> None:
    assert read(text) == Said()


@pytest.mark.parametrize(
    "text",
    ["kan udah saya bilang", "udah dibilang tadi", "sudah saya sampaikan", "as I said",
     "I already told you", "kan udh sy bilang tadi"],
)  # fmt: skip
def test_already_said_alone(text: str) -> None:
    assert read(text) == Said(already_said=True)


def test_already_said_with_more() -> None:
    said = read("kan udah saya bilang, di rumah")
    assert said.already_said
    assert said.fields() == {"place": "rumah"}
    english = read("as I said, it has been down since last night")
    assert english.already_said
    assert english.time == "since last night"


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("halo min, modem saya mati lamaaa banget!!!! tolong dibantu ya min 🙏",
         "modem saya mati lama banget!"),
        ("Selamat pagi kak, @prima_bot AC di kamar 305 bocor. Terima kasih",
         "AC di kamar 305 bocor."),
        ("Assalamualaikum wr wb. Saya mau komplain kurir JNE??? makasih",
         "Saya mau komplain kurir JNE?"),
        ("Min, wifi   mati", "wifi mati"),
        ("Pak satpam galak", "Pak satpam galak"),
        ("good morning, the app crashes. thanks in advance", "the app crashes."),
        ("antri 3 jam di loket 2", "antri 3 jam di loket 2"),
    ],
)  # fmt: skip
def test_describe(text: str, description: str) -> None:
    assert describe(text) == description


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # Open-class things, named by what was bought, ordered or booked.
        ("Sepatu yang saya beli di toko kalian sobek", "Sepatu"),
        ("Saya komplain soal kemeja putih yang sy beli kemarin", "kemeja putih"),
        ("jaket kulit yg gw order kok kekecilan", "jaket kulit"),
        ("beli blender di cabang Depok, baru sehari udah mati", "blender"),
        ("pesan 50 nasi box dari katering kalian tapi basi", "nasi box"),
        ("Saya memesan dress dari website Anda namun ukurannya salah", "dress"),
        ("the stroller I bought last week has a broken wheel", "stroller"),
        ("the red dress we ordered never arrived", "red dress"),
        ("my fridge keeps leaking", "fridge"),
        ("my new microwave won't heat", "microwave"),
        ("I bought a jacket from your store and the zip broke", "jacket"),
        # From the lookup table: documents, bookings, utilities, fees, baby goods.
        ("paspor saya belum jadi padahal sudah 3 minggu", "paspor"),
        ("KTP saya hilang di kantor kelurahan", "KTP"),
        ("tiket pesawat saya belum masuk email", "tiket pesawat"),
        ("booking hotel saya dibatalkan sepihak", "booking hotel"),
        ("air PDAM tidak mengalir", "air PDAM"),
        ("UKT saya sudah dibayar tapi masih tertagih", "UKT"),
        ("My water heater stopped working", "water heater"),
        ("car seat yang saya pesan belum dikirim", "car seat"),
        ("My prepaid electricity meter shows an error", "prepaid electricity meter"),
        # A following type, brand or model word, or an English modifier before, is kept.
        ("AC split di kamar saya bocor", "AC split"),
        ("mesin cuci LG saya tidak berfungsi", "mesin cuci LG"),
        ("iPhone 13 Pro saya mati total", "iPhone 13 Pro"),
        ("My fibre router keeps dropping", "fibre router"),
        # Of several things, the one said to fail, else the specific one over a generic one.
        ("beli token listrik lewat aplikasi tapi token tidak masuk", "token listrik"),
        ("aplikasi error waktu bayar token listrik", "aplikasi"),
        ("di aplikasi saya pesan kulkas, kulkasnya datang penyok", "kulkas"),
        ("TV di ruang tamu aman, tapi kulkas mati", "kulkas"),
        # A thing said to fail later in its clause; a whole thing over its part.
        ("Router Huawei di kantor cabang kami sejak pagi mati", "Router Huawei"),
        ("kulkas Sharp sy gak dingin, lampunya doang yg nyala", "kulkas Sharp"),
        ("laptop Asus yg baru diservis, baterai nya drop terus", "laptop Asus"),
        ("aplikasi mobile banking force close, padahal mau bayar SPP", "aplikasi mobile banking"),
        ("pesan kue ulang tahun 2 kotak, datangnya penyok", "kue ulang tahun 2 kotak"),
        # Not things: a reference's label, people, money.
        ("cek tiket PRM-7K3Q dong", None),
        ("ticket 55821 has had no reply", None),
        ("my husband was charged twice", None),
        ("my money was not refunded", None),
        ("the driver I booked was rude", None),
        ("my receipt number is 4456-7781", None),
    ],
)
def test_open_class_items(text: str, item: str | None) -> None:
    assert read(text).item == item


def test_the_item_is_not_the_place() -> None:
    said = read("booking hotel saya dibatalkan sepihak")
    assert said.item == "booking hotel"
    assert said.place is None


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("no struk 0312-4456-78 harganya salah", "0312-4456-78"),
        ("nomor resi 0114 5520 9983 belum sampai", "0114 5520 9983"),
        ("resi 0114 5520 9983 10 hari belum sampai", "0114 5520 9983"),
        ("booking 20240611-0032 dibatalkan", "20240611-0032"),
        ("nota 55821 hilang", "55821"),
        ("kwitansi no 778812 salah nama", "778812"),
        ("NIM 20231045 belum terdaftar di KRS", "20231045"),
        ("pesanan #558210 belum dikirim", "558210"),
        ("#4521 belum dibalas", "4521"),
        ("my receipt number is 4456-7781", "4456-7781"),
        ("invoice 2024 0311 0042 overcharged me", "2024 0311 0042"),
        ("no kartu 6013 5500 8812 3344. tolong cek", "6013 5500 8812 3344"),
        ("kode bayar 3271 0605 2024 1187 blm lunas", "3271 0605 2024 1187"),
        ("No WO: WO-BDG-0612-038, remnya blong", "WO-BDG-0612-038"),
        ("no sambungan 04.221.7788.1 airnya mati", "04.221.7788.1"),
        ("card ending 5521 was charged twice", "5521"),
    ],
)
def test_references_in_digit_groups(text: str, reference: str) -> None:
    assert read(text).reference == reference
    assert read_needs(text, now=NOW).reference == reference


@pytest.mark.parametrize(
    "text",
    [
        "NIK saya 3174012345678901 tidak terdaftar",  # personal, not a case reference
        "nomor KTP 3174012345678901",
        "no 081234567890 ga bisa dihubungi",  # a phone number
        "antri 4521 orang",  # an unlabelled short number
        "struk Rp 50.000",
        "beli paket 10GB tapi kuota tidak masuk",
    ],
)
def test_no_reference_in_personal_or_unlabelled_numbers(text: str) -> None:
    assert read(text).reference is None


@pytest.mark.parametrize(
    ("text", "wish", "resolution"),
    [
        ("saya mau tukar unit baru", "tukar unit baru", "repair"),
        ("tuker yg baru aja min", "tuker yg baru", "repair"),
        ("minta tukar dengan unit baru", "minta tukar dengan unit baru", "repair"),
        ("can you swap it for a new one", "swap it for a new one", "repair"),
        ("I'd like them to exchange it for a new one", "exchange it for a new one", "repair"),
        ("Is there an option to swap it?", "an option to swap it", "repair"),
        ("Saya mohon kepastian kapan pesanan dikirim", "kepastian kapan pesanan dikirim",
         "explanation"),
        ("kasih kepastian dong min", "kepastian", "explanation"),
        ("tolong dikabari ya", "dikabari", "explanation"),
        ("mohon segera diproses", "segera diproses", None),
        ("I want to reschedule my appointment", "reschedule my appointment", None),
        ("saya mau jadwal ulang ke hari Jumat", "jadwal ulang ke hari Jumat", None),
        ("tolong ganti jadwal servisnya", "ganti jadwal servisnya", None),
        ("I need it back by Saturday", "it back by Saturday", None),
        ("please deliver it by Saturday", "deliver it by Saturday", None),
        ("please cancel and refund", "cancel and refund", "refund"),
        ("batalkan dan refund aja", "batalkan dan refund", "refund"),
        ("I would like them to send a technician", "send a technician", "repair"),
        ("saya berharap barangnya diganti", "barangnya diganti", "repair"),
        ("kalo gk dikirim mending refund aja deh", "refund", "refund"),
        ("tolong di-reverse transaksinya", "di-reverse transaksinya", None),
        ("Masalah: bocor\nPermintaan: perbaiki gratis", "perbaiki gratis", "repair"),
        ("minta rincian tagihan sm koreksinya", "minta rincian tagihan sm koreksinya", None),
        ("tlg blokir kartunya & balikin saldo", "blokir kartunya & balikin saldo", None),
    ],
)  # fmt: skip
def test_more_wishes(text: str, wish: str, resolution: str | None) -> None:
    said = read(text)
    assert (said.wish, said.resolution) == (wish, resolution)


def test_a_deadline_in_the_wish_is_not_the_time() -> None:
    said = read("kulkas mati sejak kemarin, I need it back by Saturday")
    assert said.time == "sejak kemarin"
    assert said.wish == "it back by Saturday"


@pytest.mark.parametrize("text", ["there is no option to pay by card", "kulkas gak mau nyala"])
def test_still_no_wish(text: str) -> None:
    assert read(text).wish is None


@pytest.mark.parametrize(
    ("text", "time", "when"),
    [
        ("jam 10an listrik mati", "jam 10an", at(17, 10)),
        ("listrik mati sekitar jam 9-an", "jam 9-an", at(17, 9)),
        ("kurirnya datang jam 7 pagi td", "jam 7 pagi td", at(17, 7)),
        ("tadi jam 7 pagi td kurirnya datang", "tadi jam 7 pagi td", at(17, 7)),
        ("jam 11 malam tadi ada yang gedor", "jam 11 malam tadi", at(16, 23)),
        ("pagi tadi jam 8 air mati", "pagi tadi jam 8", at(17, 8)),
        ("no signal since the 8th", "since the 8th", at(8)),
        ("no signal since the 8th of March", "since the 8th of March", at(8)),
        ("air mati dari tgl 5", "dari tgl 5", at(5)),
        ("listrik padam sejak jam 6 pagi", "sejak jam 6 pagi", at(17, 6)),
    ],
)
def test_more_times(text: str, time: str, when: datetime) -> None:
    said = read(text)
    assert (said.time, said.when) == (time, when)


@pytest.mark.parametrize(
    "text",
    [
        "Laporan saya sudah seminggu belum ditindaklanjuti",
        "Tiket saya gak pernah dibantu",
        "Pagi ini AC di kantor mati",
        "Malam tadi petugas membentak saya",
        "Gedung III lantai 2",
        "buka www.layanan.go.id error",
    ],
)
def test_describe_keeps_words_that_belong_to_the_complaint(text: str) -> None:
    assert describe(text) == text


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # Brand, product line, model, type and size after the thing are its name.
        ("kulkas Sharp 2 pintu saya tidak dingin", "kulkas Sharp 2 pintu"),
        ("motor Yamaha Aerox saya mogok di jalan", "motor Yamaha Aerox"),
        ("mesin cuci LG tipe FM1208 bunyi keras", "mesin cuci LG tipe FM1208"),
        ("TV Samsung Crystal 43 inch layarnya bergaris", "TV Samsung Crystal 43 inch"),
        ("laptop Lenovo IdeaPad 3 saya mati total", "laptop Lenovo IdeaPad 3"),
        ("the Panasonic inverter AC in our office is leaking", "Panasonic inverter AC"),
        # A capitalised sentence word or a place after the brand is not the name.
        ("HP Samsung Saya mati mendadak", "HP Samsung"),
        ("AC Daikin Bandung bocor terus", "AC Daikin"),
        # A service named by what was done, with what it is about.
        ("pembayaran SPP semester ganjil belum tercatat", "pembayaran SPP semester ganjil"),
        ("pengajuan klaim garansi saya ditolak tanpa alasan", "pengajuan klaim garansi"),
        ("biaya admin kepotong dua kali", "biaya admin"),
        ("the Biznet installation was postponed again", "Biznet installation"),
        ("my appointment with the dentist was cancelled", "appointment with the dentist"),
        ("biayanya mahal banget", None),
        # "-nya": the thing as the customer says it, and a later mention of one named before.
        ("wifinya mati dari pagi", "wifinya"),
        ("aplikasinya error terus", "aplikasinya"),
        ("tagihan listrik naik terus, tolong koreksi tagihannya", "tagihan listrik"),
        ("tagihannya GA MASUK AKAL, terus modemnya mati", "modemnya"),
        # The clause a failing word is read in goes past a street's "Jl.".
        ("TV aman, router di Jl. Mawar 5 mati total", "router"),
    ],
)
def test_names_of_things_and_services(text: str, item: str | None) -> None:
    assert read(text).item == item


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        # A labelled number wins over a code said earlier; a model code is never one.
        ("kulkas Sharp tipe SJ-X195 rusak, no nota INV-77120", "INV-77120"),
        ("blender Miyako BL152 rusak, order 22018874", "22018874"),
        ("blender Miyako BL152 pisaunya patah", None),
    ],
)
def test_references_beside_models(text: str, reference: str | None) -> None:
    assert read(text).reference == reference


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("perawat jaga malam membentak ibu saya", "perawat jaga malam"),
        ("petugas pelayanan bernama Ibu Sari cuek saja", "petugas pelayanan bernama Ibu Sari"),
        ("petugas loket pembayaran menyuruh saya antre ulang", "petugas loket pembayaran"),
        ("the front desk receptionist ignored us", "front desk receptionist"),
        ("a housekeeping staff member walked in", "housekeeping staff member"),
        ("the driver of my Grab ride was rude", "driver of my Grab ride"),
        ("Wali kelas, Ibu Rina, memarahi anak saya", "Wali kelas, Ibu Rina"),
    ],
)
def test_staff_described(text: str, person: str) -> None:
    assert read(text).person == person


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # The brand or unit before a looked-up place, and the floor, door or sector after it.
        ("makan di Sushi Tei Kelapa Gading kemarin, makanannya basi", "Sushi Tei Kelapa Gading"),
        ("ATM di BNI Cabang Depok lantai 2 menelan kartu", "BNI Cabang Depok lantai 2"),
        ("antri di Stasiun Bogor pintu utara lama banget", "Stasiun Bogor pintu utara"),
        ("we live in Alam Sutera sector 7 and the water is off", "Alam Sutera sector 7"),
        (
            "lampu jalan mati di depan Masjid Nurul Huda RT 03/RW 05",
            "Masjid Nurul Huda RT 03/RW 05",
        ),
        # A capitalised word that opens the sentence is not part of the name.
        ("Kemarin Bekasi banjir, modem mati", "Bekasi"),
    ],
)
def test_places_with_their_names(text: str, place: str) -> None:
    assert read(text).place == place


@pytest.mark.parametrize(
    ("text", "time"),
    [
        # Since what happened, a few words before the time.
        ("the lift has been broken since we moved in last Monday", "since we moved in last Monday"),
        ("sejak ganti paket tgl 5 internet lemot", "sejak ganti paket tgl 5"),
        # A week or a month is the bill's period when a more exact time is given too.
        ("tagihan bulan ini naik, padahal tgl 3 sudah bayar", "tgl 3"),
        ("internet lemot sejak awal bulan ini", "sejak awal bulan ini"),
        ("sejak bulan Juli belum ada perbaikan", "sejak bulan Juli"),
        ("I paid on 14 March and nothing came", "on 14 March"),
        ("we ate there on Sunday lunchtime", "on Sunday lunchtime"),
    ],
)
def test_times_with_what_they_follow(text: str, time: str) -> None:
    assert read(text).time == time


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("sejak ganti paket tgl 5 internet lemot", at(5)),
        ("the lift has been broken since we moved in last Monday", at(16)),
        ("internet lemot sejak awal bulan ini", at(1)),
        ("sejak bulan Juli belum ada perbaikan", datetime(2025, 7, 1, tzinfo=JAKARTA)),
        ("we ate there on Sunday lunchtime", at(15, 12)),
        ("AC mati tadi tengah malam", at(17, 0)),
        # The bill's month says nothing about when it went wrong.
        ("tagihan bulan ini naik", None),
    ],
)
def test_times_resolved(text: str, when: datetime | None) -> None:
    assert read(text).when == when


@pytest.mark.parametrize(
    ("text", "wish"),
    [
        # An amount's point is not the end of the wish.
        ("minta refund Rp1.5 jt ke rekening saya.", "minta refund Rp1.5 jt ke rekening saya"),
        ("Mohon selisih Rp12.500 dikembalikan.", "selisih Rp12.500 dikembalikan"),
        # A plea with nothing to be done gives way to the wish after it.
        ("tlg tanggung jawab, servis ulang gratis", "servis ulang gratis"),
        ("Mohon manajer menegur kasir tersebut", "manajer menegur kasir tersebut"),
        # Reporting something is not a wish.
        ("Saya ingin melaporkan kasir yang kasar", None),
    ],
)
def test_wishes_in_full(text: str, wish: str | None) -> None:
    assert read(text).wish == wish
