"""Static facts behind the demo scenario: K/L, work units, offices, schools, hospitals.

Source: /work/shared/domain/ikn-relocation-facts.md ("facts" below).

From the facts (verified reporting):
- the 38 priority-1 K/L of the 2024 plan (facts §1) and their 179 eselon-I units in all;
- SPBE 2023 index of Kemenko Polhukam 3.01, Perekonomian 3.72, PMK 3.13, Marves 3.31,
  KemenPANRB 3.97, and Kominfo ~4.52 (derived from Komdigi 2024 = 4.75, +0.23) (facts §8);
- housing batches: July 2024 8 towers, September 14, November 7, each of 60 three-bedroom
  units (facts §1, §3);
- the 15 office towers of the Kemenko I, III, IV and Kemensetneg complexes and their seats,
  9,465 in all (facts §5; one tower figure read as a typo, see OFFICE_TOWERS);
- the 9 model schools in Sepaku named for ASN children (facts §6), RS Hermina Nusantara
  opened 11 October 2024 (facts §6).

Assumptions (not published):
- which eselon-I units make up the 179 and their relative sizes (`size`, used to share out
  the 11,916 quota), their function and the ~40 units of the miniature government;
- every other SPBE index (national mean 2.79; central agencies mostly 2.6-4.2);
- office ready months (July-October 2024), school capacities and ready month (July 2024),
  the KIPP puskesmas (August 2024) and the RSUP Kemenkes hospital (January 2025), and the
  seats of the six kloter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SUPPORT: Final = "support"
CORE: Final = "core"
POLICY: Final = "policy"
SERVICE: Final = "service"


@dataclass(frozen=True, slots=True)
class UnitEntry:
    """An eselon-I unit; `size` is its relative share of the agency's quota (1-5)."""

    name: str
    function: str
    size: int
    miniature: bool = False


@dataclass(frozen=True, slots=True)
class AgencyEntry:
    """A priority-1 K/L and its eselon-I units in the 2024 plan."""

    agency_id: str
    short_name: str
    name: str
    units: tuple[UnitEntry, ...]

    @property
    def spbe_index(self) -> float:
        return SPBE_2023[self.agency_id]


def _u(name: str, function: str, size: int, miniature: bool = False) -> UnitEntry:
    return UnitEntry(name, function, size, miniature)


def _setjen(body: str, size: int = 2, miniature: bool = False) -> UnitEntry:
    return _u(f"Sekretariat Jenderal {body}", SUPPORT, size, miniature)


def _itjen(body: str, size: int = 1) -> UnitEntry:
    return _u(f"Inspektorat Jenderal {body}", SUPPORT, size)


def _sestama(body: str, size: int = 1, miniature: bool = False) -> UnitEntry:
    return _u(f"Sekretariat Utama {body}", SUPPORT, size, miniature)


def _dj(name: str, size: int = 2, function: str = CORE, miniature: bool = False) -> UnitEntry:
    return _u(f"Direktorat Jenderal {name}", function, size, miniature)


def _deputi(name: str, size: int = 1, function: str = POLICY, miniature: bool = False) -> UnitEntry:
    return _u(f"Deputi Bidang {name}", function, size, miniature)


def _kemenko_deputi(name: str) -> UnitEntry:
    return _u(f"Deputi Bidang Koordinasi {name}", POLICY, 1)


# SPBE index 2023, 0-5 (KepMenPANRB 13/2024). Published (facts §8): the four Kemenko and
# KemenPANRB; Kominfo 4.52 is derived (Komdigi 2024 4.75, +0.23). The rest are assumptions
# around the national 2.79, central agencies mostly 2.6-4.2.
SPBE_2023: Final[dict[str, float]] = {
    "SETJEN-DPR": 3.05,
    "SETJEN-DPD": 2.85,
    "SETJEN-MPR": 2.90,
    "SETJEN-BPK": 4.05,
    "MA": 3.60,
    "KY": 3.10,
    "KEMENKO-MARVES": 3.31,  # published
    "KEMENKO-EKON": 3.72,  # published
    "KEMENKO-POLHUKAM": 3.01,  # published
    "KEMENKO-PMK": 3.13,  # published
    "KEMHAN": 3.20,
    "KEMENDAGRI": 3.65,
    "KEMENLU": 3.95,
    "KEMENKUMHAM": 3.85,
    "KEMENKEU": 4.30,
    "PUPR": 4.10,
    "BAPPENAS": 3.90,
    "PANRB": 3.97,  # published
    "ATR-BPN": 3.80,
    "SETNEG": 3.75,
    "LHK": 3.70,
    "ESDM": 3.85,
    "KEMENKES": 3.75,
    "KEMENDAG": 3.55,
    "KOMINFO": 4.52,  # derived
    "SETKAB": 3.60,
    "BMKG": 3.80,
    "BAPANAS": 2.65,
    "BPIP": 2.70,
    "BIN": 3.00,
    "KSP": 3.25,
    "BSSN": 3.95,
    "BNPB": 3.30,
    "WANTIMPRES": 2.60,
    "KPK": 3.90,
    "KEJAKSAAN": 3.55,
    "BPKP": 4.15,
    "BNPP": 2.75,
}


AGENCIES: Final[tuple[AgencyEntry, ...]] = (
    AgencyEntry(
        "SETJEN-DPR",
        "Setjen DPR",
        "Sekretariat Jenderal Dewan Perwakilan Rakyat Republik Indonesia",
        (
            _setjen("DPR RI", 3, miniature=True),
            _deputi("Persidangan", 3, CORE),
            _deputi("Administrasi", 2, SUPPORT),
            _u("Badan Keahlian DPR RI", POLICY, 2),
        ),
    ),
    AgencyEntry(
        "SETJEN-DPD",
        "Setjen DPD",
        "Sekretariat Jenderal Dewan Perwakilan Daerah Republik Indonesia",
        (
            _setjen("DPD RI", 2, miniature=True),
            _deputi("Persidangan", 2, CORE),
            _deputi("Administrasi", 1, SUPPORT),
        ),
    ),
    AgencyEntry(
        "SETJEN-MPR",
        "Setjen MPR",
        "Sekretariat Jenderal Majelis Permusyawaratan Rakyat Republik Indonesia",
        (
            _setjen("MPR RI", 2, miniature=True),
            _deputi("Administrasi", 1, SUPPORT),
            _deputi("Pengkajian dan Pemasyarakatan Konstitusi", 1),
        ),
    ),
    AgencyEntry(
        "SETJEN-BPK",
        "Setjen BPK",
        "Sekretariat Jenderal Badan Pemeriksa Keuangan",
        (
            _setjen("BPK", 3, miniature=True),
            _u("Inspektorat Utama BPK", SUPPORT, 1),
            _u("Auditorat Utama Keuangan Negara I", CORE, 3),
            _u("Auditorat Utama Keuangan Negara II", CORE, 3),
            _u("Auditorat Utama Keuangan Negara III", CORE, 3),
        ),
    ),
    AgencyEntry(
        "MA",
        "MA",
        "Mahkamah Agung Republik Indonesia",
        (
            _u("Sekretariat Mahkamah Agung", SUPPORT, 3, miniature=True),
            _u("Kepaniteraan Mahkamah Agung", CORE, 3),
            _u("Badan Pengawasan Mahkamah Agung", CORE, 2),
            _dj("Badan Peradilan Umum", 2, SERVICE),
            _dj("Badan Peradilan Agama", 2, SERVICE),
        ),
    ),
    AgencyEntry(
        "KY",
        "KY",
        "Komisi Yudisial Republik Indonesia",
        (_setjen("Komisi Yudisial", 2, miniature=True),),
    ),
    AgencyEntry(
        "KEMENKO-MARVES",
        "Kemenko Marves",
        "Kementerian Koordinator Bidang Kemaritiman dan Investasi",
        (
            _u(
                "Sekretariat Kementerian Koordinator Bidang Kemaritiman dan Investasi",
                SUPPORT,
                3,
                miniature=True,
            ),
            _kemenko_deputi("Kedaulatan Maritim dan Energi"),
            _kemenko_deputi("Infrastruktur dan Transportasi"),
            _kemenko_deputi("Sumber Daya Maritim"),
            _kemenko_deputi("Investasi dan Pertambangan"),
        ),
    ),
    AgencyEntry(
        "KEMENKO-EKON",
        "Kemenko Perekonomian",
        "Kementerian Koordinator Bidang Perekonomian",
        (
            _u(
                "Sekretariat Kementerian Koordinator Bidang Perekonomian",
                SUPPORT,
                3,
                miniature=True,
            ),
            _kemenko_deputi("Ekonomi Makro dan Keuangan"),
            _kemenko_deputi("Pangan dan Agribisnis"),
            _kemenko_deputi("Ekonomi Digital, Ketenagakerjaan, dan UMKM"),
            _kemenko_deputi("Perniagaan dan Industri"),
        ),
    ),
    AgencyEntry(
        "KEMENKO-POLHUKAM",
        "Kemenko Polhukam",
        "Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan",
        (
            _u(
                "Sekretariat Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan",
                SUPPORT,
                3,
                miniature=True,
            ),
            _kemenko_deputi("Politik Dalam Negeri"),
            _kemenko_deputi("Politik Luar Negeri"),
            _kemenko_deputi("Hukum dan Hak Asasi Manusia"),
            _kemenko_deputi("Pertahanan Negara"),
            _kemenko_deputi("Keamanan dan Ketertiban Masyarakat"),
        ),
    ),
    AgencyEntry(
        "KEMENKO-PMK",
        "Kemenko PMK",
        "Kementerian Koordinator Bidang Pembangunan Manusia dan Kebudayaan",
        (
            _u(
                "Sekretariat Kementerian Koordinator Bidang Pembangunan Manusia dan Kebudayaan",
                SUPPORT,
                3,
                miniature=True,
            ),
            _kemenko_deputi("Peningkatan Kesejahteraan Sosial"),
            _kemenko_deputi("Penanggulangan Bencana dan Konflik Sosial"),
            _kemenko_deputi("Peningkatan Kualitas Kesehatan dan Pembangunan Kependudukan"),
            _kemenko_deputi("Peningkatan Kualitas Pendidikan dan Moderasi Beragama"),
        ),
    ),
    AgencyEntry(
        "KEMHAN",
        "Kemhan",
        "Kementerian Pertahanan",
        (
            _setjen("Kementerian Pertahanan", 3, miniature=True),
            _itjen("Kementerian Pertahanan"),
            _dj("Strategi Pertahanan", 2),
            _dj("Perencanaan Pertahanan", 2),
            _dj("Potensi Pertahanan", 2),
            _u("Badan Sarana Pertahanan", SERVICE, 2),
        ),
    ),
    AgencyEntry(
        "KEMENDAGRI",
        "Kemendagri",
        "Kementerian Dalam Negeri",
        (
            _setjen("Kementerian Dalam Negeri", 3, miniature=True),
            _itjen("Kementerian Dalam Negeri", 2),
            _dj("Politik dan Pemerintahan Umum", 2, miniature=True),
            _dj("Bina Pembangunan Daerah", 2),
            _dj("Bina Administrasi Kewilayahan", 2),
            _dj("Otonomi Daerah", 2),
            _dj("Bina Keuangan Daerah", 2),
            _dj("Kependudukan dan Pencatatan Sipil", 3, SERVICE),
        ),
    ),
    AgencyEntry(
        "KEMENLU",
        "Kemenlu",
        "Kementerian Luar Negeri",
        (
            _setjen("Kementerian Luar Negeri", 3, miniature=True),
            _dj("Asia Pasifik dan Afrika", 2),
            _dj("Amerika dan Eropa", 2),
            _dj("Kerja Sama ASEAN", 2),
            _dj("Kerja Sama Multilateral", 2),
            _dj("Protokol dan Konsuler", 2, SERVICE, miniature=True),
            _u("Badan Strategi Kebijakan Luar Negeri", POLICY, 1),
        ),
    ),
    AgencyEntry(
        "KEMENKUMHAM",
        "Kemenkumham",
        "Kementerian Hukum dan Hak Asasi Manusia",
        (
            _setjen("Kementerian Hukum dan Hak Asasi Manusia", 3, miniature=True),
            _dj("Peraturan Perundang-undangan", 2),
            _dj("Administrasi Hukum Umum", 2, SERVICE),
            _dj("Pemasyarakatan", 2),
            _dj("Imigrasi", 2, SERVICE),
            _dj("Kekayaan Intelektual", 2, SERVICE),
            _u("Badan Pembinaan Hukum Nasional", POLICY, 1),
        ),
    ),
    AgencyEntry(
        "KEMENKEU",
        "Kemenkeu",
        "Kementerian Keuangan",
        (
            _setjen("Kementerian Keuangan", 4, miniature=True),
            _itjen("Kementerian Keuangan", 2),
            _dj("Anggaran", 3, miniature=True),
            _dj("Pajak", 5),
            _dj("Bea dan Cukai", 3),
            _dj("Perbendaharaan", 4, miniature=True),
            _dj("Perimbangan Keuangan", 2),
            _u("Badan Kebijakan Fiskal", POLICY, 2),
        ),
    ),
    AgencyEntry(
        "PUPR",
        "PUPR",
        "Kementerian Pekerjaan Umum dan Perumahan Rakyat",
        (
            _setjen("Kementerian Pekerjaan Umum dan Perumahan Rakyat", 3, miniature=True),
            _itjen("Kementerian Pekerjaan Umum dan Perumahan Rakyat"),
            _dj("Sumber Daya Air", 3),
            _dj("Bina Marga", 3),
            _dj("Cipta Karya", 3, miniature=True),
            _dj("Perumahan", 2),
            _u("Badan Pengembangan Infrastruktur Wilayah", POLICY, 1),
        ),
    ),
    AgencyEntry(
        "BAPPENAS",
        "PPN/Bappenas",
        "Kementerian Perencanaan Pembangunan Nasional/Badan Perencanaan Pembangunan Nasional",
        (
            _u(
                "Sekretariat Kementerian PPN/Sekretariat Utama Bappenas",
                SUPPORT,
                3,
                miniature=True,
            ),
            _deputi("Ekonomi", 2),
            _deputi("Pembangunan Manusia, Masyarakat, dan Kebudayaan", 2),
            _deputi("Sarana dan Prasarana", 2),
            _deputi("Pengembangan Regional", 1),
            _deputi("Politik, Hukum, Pertahanan, dan Keamanan", 1),
            _deputi("Pemantauan, Evaluasi, dan Pengendalian Pembangunan", 1),
        ),
    ),
    AgencyEntry(
        "PANRB",
        "PANRB",
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        (
            _u("Sekretariat Kementerian PANRB", SUPPORT, 2, miniature=True),
            _deputi("Kelembagaan dan Tata Laksana", 1),
            _deputi("Sumber Daya Manusia Aparatur", 2, miniature=True),
            _deputi("Reformasi Birokrasi, Akuntabilitas Aparatur, dan Pengawasan", 1),
            _deputi("Pelayanan Publik", 1),
        ),
    ),
    AgencyEntry(
        "ATR-BPN",
        "ATR/BPN",
        "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        (
            _setjen("Kementerian ATR/BPN", 2, miniature=True),
            _itjen("Kementerian ATR/BPN"),
            _dj("Tata Ruang", 2),
            _dj("Survei dan Pemetaan Pertanahan dan Ruang", 2, SERVICE),
            _dj("Penetapan Hak dan Pendaftaran Tanah", 2, SERVICE),
            _dj("Penanganan Sengketa dan Konflik Pertanahan", 1),
        ),
    ),
    AgencyEntry(
        "SETNEG",
        "Setneg",
        "Kementerian Sekretariat Negara",
        (
            _u("Sekretariat Kementerian Sekretariat Negara", SUPPORT, 3, miniature=True),
            _u("Sekretariat Presiden", CORE, 3, miniature=True),
            _u("Sekretariat Wakil Presiden", CORE, 2, miniature=True),
            _u("Sekretariat Militer Presiden", CORE, 1, miniature=True),
            _deputi("Perundang-undangan dan Administrasi Hukum", 1, CORE),
            _deputi("Hubungan Kelembagaan dan Kemasyarakatan", 1, CORE),
            _deputi("Administrasi Aparatur", 1, CORE),
        ),
    ),
    AgencyEntry(
        "LHK",
        "LHK",
        "Kementerian Lingkungan Hidup dan Kehutanan",
        (
            _setjen("Kementerian Lingkungan Hidup dan Kehutanan", 2),
            _itjen("Kementerian Lingkungan Hidup dan Kehutanan"),
            _dj("Planologi Kehutanan dan Tata Lingkungan", 2),
            _dj("Konservasi Sumber Daya Alam dan Ekosistem", 2),
            _dj("Pengendalian Perubahan Iklim", 1),
        ),
    ),
    AgencyEntry(
        "ESDM",
        "ESDM",
        "Kementerian Energi dan Sumber Daya Mineral",
        (
            _setjen("Kementerian Energi dan Sumber Daya Mineral", 2),
            _dj("Minyak dan Gas Bumi", 2),
            _dj("Ketenagalistrikan", 2),
            _dj("Mineral dan Batubara", 2),
            _u("Badan Geologi", SERVICE, 2),
        ),
    ),
    AgencyEntry(
        "KEMENKES",
        "Kemenkes",
        "Kementerian Kesehatan",
        (
            _setjen("Kementerian Kesehatan", 3),
            _itjen("Kementerian Kesehatan"),
            _dj("Kesehatan Masyarakat", 2),
            _dj("Pencegahan dan Pengendalian Penyakit", 2),
            _dj("Pelayanan Kesehatan", 2, SERVICE),
            _u("Badan Kebijakan Pembangunan Kesehatan", POLICY, 1),
        ),
    ),
    AgencyEntry(
        "KEMENDAG",
        "Kemendag",
        "Kementerian Perdagangan",
        (
            _setjen("Kementerian Perdagangan", 2),
            _itjen("Kementerian Perdagangan"),
            _dj("Perdagangan Dalam Negeri", 2),
            _dj("Perdagangan Luar Negeri", 2),
            _dj("Perlindungan Konsumen dan Tertib Niaga", 1, SERVICE),
            _u("Badan Kebijakan Perdagangan", POLICY, 1),
        ),
    ),
    AgencyEntry(
        "KOMINFO",
        "Kominfo",
        "Kementerian Komunikasi dan Informatika",
        (
            _setjen("Kementerian Komunikasi dan Informatika", 2, miniature=True),
            _dj("Sumber Daya dan Perangkat Pos dan Informatika", 2),
            _dj("Penyelenggaraan Pos dan Informatika", 2),
            _dj("Aplikasi Informatika", 2, miniature=True),
            _dj("Informasi dan Komunikasi Publik", 2, SERVICE),
        ),
    ),
    AgencyEntry(
        "SETKAB",
        "Setkab",
        "Sekretariat Kabinet Republik Indonesia",
        (
            _deputi("Administrasi", 2, SUPPORT, miniature=True),
            _deputi("Politik, Hukum, dan Keamanan", 1, miniature=True),
            _deputi("Perekonomian", 1),
            _deputi("Dukungan Kebijakan Pemerintahan", 1),
        ),
    ),
    AgencyEntry(
        "BMKG",
        "BMKG",
        "Badan Meteorologi, Klimatologi, dan Geofisika",
        (
            _sestama("BMKG"),
            _deputi("Meteorologi", 2, CORE),
            _deputi("Klimatologi", 1, CORE),
            _deputi("Geofisika", 1, CORE),
        ),
    ),
    AgencyEntry(
        "BAPANAS",
        "Bapanas",
        "Badan Pangan Nasional",
        (
            _sestama("Badan Pangan Nasional"),
            _deputi("Ketersediaan dan Stabilisasi Pangan", 1, CORE),
            _deputi("Kerawanan Pangan dan Gizi", 1, CORE),
        ),
    ),
    AgencyEntry(
        "BPIP",
        "BPIP",
        "Badan Pembinaan Ideologi Pancasila",
        (
            _sestama("BPIP"),
            _deputi("Pengkajian dan Materi", 1),
            _deputi("Pendidikan dan Pelatihan", 1, SERVICE),
        ),
    ),
    AgencyEntry(
        "BIN",
        "BIN",
        "Badan Intelijen Negara",
        (
            _sestama("Badan Intelijen Negara", 2, miniature=True),
            _deputi("Intelijen Dalam Negeri", 2, CORE, miniature=True),
            _deputi("Intelijen Siber", 1, CORE),
        ),
    ),
    AgencyEntry(
        "KSP",
        "KSP",
        "Kantor Staf Presiden",
        (
            _u("Sekretariat Kantor Staf Presiden", SUPPORT, 1, miniature=True),
            _deputi(
                "Politik, Hukum, Pertahanan, Keamanan, dan Hak Asasi Manusia", 1, miniature=True
            ),
            _deputi("Perekonomian", 1),
        ),
    ),
    AgencyEntry(
        "BSSN",
        "BSSN",
        "Badan Siber dan Sandi Negara",
        (
            _sestama("BSSN"),
            _deputi("Operasi Keamanan Siber dan Sandi", 2, CORE, miniature=True),
            _deputi("Strategi dan Kebijakan Keamanan Siber dan Sandi", 1),
            _deputi("Keamanan Siber dan Sandi Pemerintahan dan Pembangunan Manusia", 1, CORE),
        ),
    ),
    AgencyEntry(
        "BNPB",
        "BNPB",
        "Badan Nasional Penanggulangan Bencana",
        (
            _sestama("BNPB"),
            _deputi("Penanganan Darurat", 1, SERVICE),
            _deputi("Pencegahan", 1, CORE),
        ),
    ),
    AgencyEntry(
        "WANTIMPRES",
        "Wantimpres",
        "Dewan Pertimbangan Presiden",
        (_u("Sekretariat Dewan Pertimbangan Presiden", SUPPORT, 1, miniature=True),),
    ),
    AgencyEntry(
        "KPK",
        "KPK",
        "Komisi Pemberantasan Korupsi",
        (
            _setjen("Komisi Pemberantasan Korupsi", 2),
            _deputi("Penindakan dan Eksekusi", 2, CORE),
            _deputi("Pencegahan dan Monitoring", 1, CORE),
        ),
    ),
    AgencyEntry(
        "KEJAKSAAN",
        "Kejaksaan",
        "Kejaksaan Republik Indonesia",
        (
            _u("Jaksa Agung Muda Bidang Pembinaan", SUPPORT, 2),
            _u("Jaksa Agung Muda Bidang Intelijen", CORE, 2),
            _u("Jaksa Agung Muda Bidang Tindak Pidana Umum", CORE, 2),
            _u("Jaksa Agung Muda Bidang Tindak Pidana Khusus", CORE, 2),
            _u("Jaksa Agung Muda Bidang Pengawasan", SUPPORT, 1),
        ),
    ),
    AgencyEntry(
        "BPKP",
        "BPKP",
        "Badan Pengawasan Keuangan dan Pembangunan",
        (
            _sestama("BPKP", 2),
            _deputi("Pengawasan Instansi Pemerintah Bidang Perekonomian dan Kemaritiman", 2, CORE),
            _deputi(
                "Pengawasan Instansi Pemerintah Bidang Politik, Hukum, Keamanan, "
                "Pembangunan Manusia, dan Kebudayaan",
                2,
                CORE,
            ),
            _deputi("Akuntan Negara", 1, CORE),
        ),
    ),
    AgencyEntry(
        "BNPP",
        "BNPP",
        "Badan Nasional Pengelola Perbatasan",
        (
            _u("Sekretariat Tetap Badan Nasional Pengelola Perbatasan", SUPPORT, 1),
            _deputi("Pengelolaan Batas Wilayah Negara", 1, CORE),
        ),
    ),
)

# Eselon-II units under which the extra units of `--scale` above 1 are named ("Biro
# Perencanaan pada Sekretariat Jenderal ... (Prioritas 2)"); picked by the unit's function.
ESELON_II: Final[dict[str, tuple[str, ...]]] = {
    SUPPORT: (
        "Biro Perencanaan",
        "Biro Keuangan",
        "Biro Sumber Daya Manusia dan Organisasi",
        "Biro Hukum",
        "Biro Umum dan Pengadaan",
        "Biro Komunikasi dan Informasi Publik",
        "Pusat Data dan Teknologi Informasi",
    ),
    CORE: (
        "Direktorat Perencanaan Program",
        "Direktorat Pembinaan",
        "Direktorat Pengendalian",
        "Direktorat Kerja Sama",
        "Direktorat Evaluasi dan Pelaporan",
        "Direktorat Teknis",
    ),
    POLICY: (
        "Asisten Deputi Perumusan Kebijakan",
        "Asisten Deputi Koordinasi Pelaksanaan",
        "Asisten Deputi Pemantauan dan Evaluasi",
        "Pusat Analisis Kebijakan",
        "Pusat Strategi Kebijakan",
    ),
    SERVICE: (
        "Direktorat Pelayanan",
        "Direktorat Sistem Informasi Layanan",
        "Direktorat Standardisasi Layanan",
        "Direktorat Pengawasan Layanan",
        "Balai Besar Layanan Teknis",
    ),
}

# Head of a unit by the start of its name.
HEAD_TITLES: Final[tuple[tuple[str, str], ...]] = (
    ("Sekretariat Jenderal", "Sekretaris Jenderal"),
    ("Sekretariat Utama", "Sekretaris Utama"),
    ("Sekretariat Kementerian Koordinator", "Sekretaris Kementerian Koordinator"),
    ("Sekretariat Kementerian", "Sekretaris Kementerian"),
    ("Sekretariat Tetap", "Sekretaris Tetap"),
    ("Sekretariat Presiden", "Kepala Sekretariat Presiden"),
    ("Sekretariat Wakil Presiden", "Kepala Sekretariat Wakil Presiden"),
    ("Sekretariat Militer", "Sekretaris Militer Presiden"),
    ("Sekretariat", "Sekretaris"),
    ("Inspektorat Jenderal", "Inspektur Jenderal"),
    ("Inspektorat Utama", "Inspektur Utama"),
    ("Direktorat Jenderal", "Direktur Jenderal"),
    ("Deputi", "Deputi"),
    ("Auditorat Utama", "Auditor Utama"),
    ("Kepaniteraan", "Panitera"),
    ("Jaksa Agung Muda", "Jaksa Agung Muda"),
    ("Badan", "Kepala Badan"),
    # Eselon-II units (the extra units of a larger scale) are led by a JPT Pratama.
    ("Biro", "Kepala Biro"),
    ("Direktorat", "Direktur"),
    ("Asisten Deputi", "Asisten Deputi"),
    ("Pusat", "Kepala Pusat"),
    ("Balai Besar", "Kepala Balai Besar"),
)

# JPT Pratama, administrator and pengawas titles by the unit's function.
JPT_PRATAMA_TITLES: Final[dict[str, tuple[str, ...]]] = {
    SUPPORT: (
        "Kepala Biro Perencanaan",
        "Kepala Biro Keuangan",
        "Kepala Biro SDM dan Organisasi",
        "Kepala Biro Umum",
    ),
    CORE: ("Direktur Perencanaan", "Direktur Pembinaan", "Direktur Pengendalian"),
    POLICY: (
        "Asisten Deputi Perumusan Kebijakan",
        "Asisten Deputi Koordinasi",
        "Asisten Deputi Pemantauan dan Evaluasi",
    ),
    SERVICE: ("Direktur Pelayanan", "Direktur Standardisasi", "Direktur Pengawasan"),
}
ADMINISTRATOR_TITLES: Final = (
    "Kepala Bagian Umum",
    "Kepala Bagian Perencanaan",
    "Kepala Bagian Keuangan",
    "Kepala Subdirektorat Program",
    "Kepala Subdirektorat Evaluasi",
    "Kepala Bidang Kerja Sama",
)
PENGAWAS_TITLES: Final = (
    "Kepala Subbagian Tata Usaha",
    "Kepala Subbagian Kepegawaian",
    "Kepala Subbagian Keuangan",
    "Kepala Subbagian Rumah Tangga",
    "Kepala Seksi Data dan Informasi",
    "Kepala Seksi Program",
)

# Jabatan fungsional. Ahli titles (S1 and above) and keterampilan titles (D3), some by K/L.
FUNGSIONAL_AHLI_GENERAL: Final = (
    "Analis Kebijakan",
    "Perencana",
    "Pranata Komputer",
    "Analis Sumber Daya Manusia Aparatur",
    "Analis Pengelolaan Keuangan APBN",
    "Pranata Hubungan Masyarakat",
    "Arsiparis",
    "Analis Hukum",
    "Pengelola Pengadaan Barang/Jasa",
    "Statistisi",
)
FUNGSIONAL_TERAMPIL: Final = (
    "Pranata Komputer",
    "Arsiparis",
    "Pranata Keuangan APBN",
    "Statistisi",
    "Pranata Hubungan Masyarakat",
    "Pustakawan",
)
FUNGSIONAL_AHLI_BY_AGENCY: Final[dict[str, tuple[str, ...]]] = {
    "SETJEN-DPR": ("Analis Legislatif", "Perancang Peraturan Perundang-undangan"),
    "SETJEN-DPD": ("Analis Legislatif",),
    "SETJEN-MPR": ("Analis Legislatif",),
    "SETJEN-BPK": ("Pemeriksa", "Pemeriksa Keuangan Negara"),
    "MA": ("Analis Perkara Peradilan", "Panitera Pengganti"),
    "KY": ("Analis Perkara Peradilan",),
    "KEMHAN": ("Analis Pertahanan Negara",),
    "KEMENDAGRI": ("Analis Kebijakan Pemerintahan", "Administrator Database Kependudukan"),
    "KEMENLU": ("Diplomat",),
    "KEMENKUMHAM": ("Perancang Peraturan Perundang-undangan", "Pemeriksa Merek"),
    "KEMENKEU": ("Pemeriksa Pajak", "Analis Anggaran", "Penilai Pemerintah"),
    "PUPR": ("Teknik Jalan dan Jembatan", "Teknik Pengairan", "Penata Bangunan Gedung"),
    "BAPPENAS": ("Perencana",),
    "PANRB": ("Analis Kebijakan",),
    "ATR-BPN": ("Penata Kadastral", "Surveyor Pemetaan", "Penata Ruang"),
    "SETNEG": ("Pranata Protokol", "Analis Kebijakan"),
    "LHK": ("Pengendali Ekosistem Hutan", "Pengendali Dampak Lingkungan"),
    "ESDM": ("Penyelidik Bumi", "Inspektur Tambang", "Inspektur Ketenagalistrikan"),
    "KEMENKES": ("Epidemiolog Kesehatan", "Administrator Kesehatan"),
    "KEMENDAG": ("Analis Perdagangan", "Pengawas Perdagangan"),
    "KOMINFO": ("Pengendali Frekuensi Radio", "Pranata Komputer"),
    "SETKAB": ("Analis Kebijakan",),
    "BMKG": ("Pengamat Meteorologi dan Geofisika",),
    "BAPANAS": ("Analis Ketahanan Pangan",),
    "BPIP": ("Analis Kebijakan",),
    "BIN": ("Analis Intelijen",),
    "KSP": ("Analis Kebijakan",),
    "BSSN": ("Sandiman", "Manggala Informatika"),
    "BNPB": ("Analis Penanggulangan Bencana",),
    "WANTIMPRES": ("Analis Kebijakan",),
    "KPK": ("Penyelidik", "Penyidik"),
    "KEJAKSAAN": ("Jaksa",),
    "BPKP": ("Auditor",),
    "BNPP": ("Analis Kebijakan",),
}
# Pelaksana titles since PermenPANRB 45/2022 (a few need technical level 2).
PELAKSANA_TITLES: Final[tuple[tuple[str, int], ...]] = (
    ("Pengadministrasi Perkantoran", 1),
    ("Operator Layanan Operasional", 1),
    ("Pengelola Layanan Operasional", 1),
    ("Penata Layanan Operasional", 2),
)


@dataclass(frozen=True, slots=True)
class TowerBatch:
    """Housing towers handed over together (facts §1: July 8, September 14, November 7)."""

    letter: str
    year: int
    month: int
    towers: int


TOWER_BATCHES: Final = (
    TowerBatch("A", 2024, 7, 8),
    TowerBatch("B", 2024, 9, 14),
    TowerBatch("C", 2024, 11, 7),
)
UNITS_PER_TOWER: Final = 60
BEDROOMS_PER_UNIT: Final = 3


@dataclass(frozen=True, slots=True)
class OfficeTower:
    """An office tower: seats from facts §5, ready month assumed (July-October 2024)."""

    building_id: str
    year: int
    month: int
    desks: int


OFFICE_TOWERS: Final = (
    OfficeTower("KEMENKO1-T1", 2024, 7, 478),
    OfficeTower("KEMENKO1-T2", 2024, 7, 147),
    # Published as 246, but Kemenko I is reported as 1,286 seats and the whole as 9,465,
    # while 478 + 147 + 246 + 397 = 1,268: we read 246 as a transposed 264.
    OfficeTower("KEMENKO1-T3", 2024, 8, 264),
    OfficeTower("KEMENKO1-T4", 2024, 8, 397),
    OfficeTower("KEMENKO3-T1", 2024, 8, 536),
    OfficeTower("KEMENKO3-T2", 2024, 8, 203),
    OfficeTower("KEMENKO3-T3", 2024, 9, 216),
    OfficeTower("KEMENKO3-T4", 2024, 9, 420),
    OfficeTower("KEMENKO4-T1", 2024, 9, 386),
    OfficeTower("KEMENKO4-T2", 2024, 9, 190),
    OfficeTower("KEMENKO4-T3", 2024, 10, 386),
    OfficeTower("KEMENKO4-T4", 2024, 10, 270),
    OfficeTower("SETNEG-T1", 2024, 7, 2328),
    OfficeTower("SETNEG-T2", 2024, 8, 1954),
    OfficeTower("SETNEG-T3", 2024, 10, 1290),
)


@dataclass(frozen=True, slots=True)
class FacilityEntry:
    """A school (capacity: places for ASN children, assumed) or a health facility."""

    facility_id: str
    name: str
    kind: str
    year: int
    month: int
    capacity: int


FACILITIES: Final = (
    FacilityEntry("TK-MITRA-PRADANA", "TK Mitra Pradana", "school", 2024, 7, 60),
    FacilityEntry("SDN-004-PPU", "SD Negeri 004 Penajam Paser Utara", "school", 2024, 7, 120),
    FacilityEntry("SDN-007-PPU", "SD Negeri 007 Penajam Paser Utara", "school", 2024, 7, 120),
    FacilityEntry("SDN-014-PPU", "SD Negeri 014 Penajam Paser Utara", "school", 2024, 7, 120),
    FacilityEntry("SDN-017-PPU", "SD Negeri 017 Penajam Paser Utara", "school", 2024, 7, 120),
    FacilityEntry("SDN-020-PPU", "SD Negeri 020 Penajam Paser Utara", "school", 2024, 7, 120),
    FacilityEntry("SMPN-27-PPU", "SMP Negeri 27 Penajam Paser Utara", "school", 2024, 7, 180),
    FacilityEntry("SMAN-3-PPU", "SMA Negeri 3 Penajam Paser Utara", "school", 2024, 7, 150),
    FacilityEntry("SMKN-1-PPU", "SMK Negeri 1 Penajam Paser Utara", "school", 2024, 7, 120),
    # Health capacity is unused by the model; beds are given for the reader.
    FacilityEntry("PUSKESMAS-KIPP", "Puskesmas/Klinik KIPP", "health", 2024, 8, 10),
    FacilityEntry("RS-HERMINA-NUSANTARA", "RS Hermina Nusantara", "health", 2024, 10, 50),
    FacilityEntry("RSUP-KEMENKES-IKN", "RSUP Kemenkes Nusantara", "health", 2025, 1, 100),
)

# Six kloter, July-December 2024; persons per wave (assumption: 1,500-3,000 a month).
WAVE_SEATS: Final = (1_500, 2_000, 2_500, 3_000, 3_000, 2_500)
WAVE_YEAR: Final = 2024
WAVE_FIRST_MONTH: Final = 7

# Given names and family names for plausible Indonesian names (many people carry one name).
MALE_NAMES: Final = tuple(
    [
        "Agus",
        "Ahmad",
        "Andi",
        "Arif",
        "Bambang",
        "Bayu",
        "Budi",
        "Dedi",
        "Dimas",
        "Eko",
        "Fajar",
        "Fauzan",
        "Gilang",
        "Hadi",
        "Hendra",
        "Heru",
        "Ilham",
        "Imam",
        "Irfan",
        "Joko",
        "Kurnia",
        "Lukman",
        "Made",
        "Muhammad",
        "Nanang",
        "Putu",
        "Rahmat",
        "Reza",
        "Rizky",
        "Rudi",
        "Slamet",
        "Sugeng",
        "Taufik",
        "Teguh",
        "Wahyu",
        "Wayan",
        "Yoga",
        "Yusuf",
    ]
)
FEMALE_NAMES: Final = tuple(
    [
        "Anisa",
        "Ayu",
        "Citra",
        "Dewi",
        "Dian",
        "Endang",
        "Fitri",
        "Indah",
        "Intan",
        "Kartika",
        "Lestari",
        "Maya",
        "Mega",
        "Nadia",
        "Novi",
        "Nur",
        "Nurul",
        "Putri",
        "Ratna",
        "Ratih",
        "Rina",
        "Rini",
        "Santi",
        "Sari",
        "Siti",
        "Sri",
        "Tri",
        "Utami",
        "Wati",
        "Wulan",
        "Yuni",
    ]
)
# Birth-order and other middle names used by both sexes.
MIDDLE_NAMES: Final = tuple(["Dwi", "Eka", "Nur", "Tri", "Catur", "Dharma"])
FAMILY_NAMES: Final = tuple(
    [
        "Santoso",
        "Wijaya",
        "Saputra",
        "Pratama",
        "Hidayat",
        "Nugroho",
        "Kurniawan",
        "Setiawan",
        "Siregar",
        "Nasution",
        "Lubis",
        "Harahap",
        "Simanjuntak",
        "Wibowo",
        "Susanto",
        "Purnomo",
        "Rahman",
        "Hakim",
        "Gunawan",
        "Sitompul",
        "Pangaribuan",
        "Manurung",
        "Tanjung",
        "Hasibuan",
        "Sinaga",
        "Sembiring",
        "Ginting",
        "Tarigan",
        "Panjaitan",
        "Daulay",
        "Lase",
        "Mahendra",
        "Firmansyah",
        "Ramadhan",
        "Kusuma",
        "Suryadi",
        "Hartono",
        "Permana",
        "Rasyid",
        "Makmur",
        "Pakpahan",
        "Lumbantobing",
        "Rumbiak",
        "Wenda",
        "Pattimura",
        "Latuconsina",
        "Tuasikal",
        "Mokoginta",
        "Lamanepa",
        "Daeng",
    ]
)
FEMALE_FAMILY_NAMES: Final = tuple(
    [
        "Lestari",
        "Rahayu",
        "Wulandari",
        "Handayani",
        "Rahmawati",
        "Anggraini",
        "Puspitasari",
        "Kusumawati",
        "Susanti",
        "Safitri",
        "Maharani",
        "Oktaviani",
        "Novitasari",
        "Pertiwi",
    ]
)
