"""Plans the demo collection: a West Asia / North Africa genebank of generated, realistic accessions.

`plan_demo_collection()` is pure (a fixed seed gives the same plan every time); accessions.demo
writes a plan through the services. Every name, number and coordinate here is generated: nothing
is copied from a real passport file. Towns, WIEWS codes and cultivar names are real-looking on
purpose.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from genebank.accessions.models import Acquisition, CollectingSource, SampleStatus
from genebank.core.annex1 import annex1_crop
from genebank.core.models import Role

DEMO_PASSWORD = "genebank-demo"  # printed by `genebank demo`; for demonstration databases only
DEMO_REASON = "Demo collection"
DEFAULT_COUNT = 2000
DEFAULT_SEED = 1987
HOLDING_CODE = "JOR015"
# The newest date the plan may contain, so that the plan does not depend on the day it is run.
LAST_DATE = datetime.date(2025, 6, 30)
BATCH = 250

# username -> role at the holding genebank; `admin` is also a Django superuser.
DEMO_USERS: tuple[tuple[str, str], ...] = (
    ("admin", Role.ADMINISTRATOR),
    ("curator", Role.CURATOR),
    ("technician", Role.TECHNICIAN),
    ("distribution", Role.DISTRIBUTION_OFFICER),
    ("viewer", Role.VIEWER),
)


# --------------------------------------------------------------------------------------------
# Reference content
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstituteSpec:
    code: str
    name: str
    acronym: str
    country: str
    address: str = ""


HOLDING = InstituteSpec(
    HOLDING_CODE,
    "National Agricultural Research Center – Genebank",
    "NARC",
    "JOR",
    "Baqa'a, P.O. Box 639, Amman 19381, Jordan",
)

# WIEWS codes as FAO lists them, to our knowledge. UNCERTAIN: the USDA site codes (USA016 Griffin,
# USA022 Pullman, USA029 Aberdeen) and IND002 for ICRISAT are from memory, not from reference/.
PARTNERS: tuple[InstituteSpec, ...] = (
    InstituteSpec(
        "LBN002",
        "International Center for Agricultural Research in the Dry Areas",
        "ICARDA",
        "LBN",
        "Terbol, Beqaa, Lebanon",
    ),
    InstituteSpec(
        "SYR002",
        "International Center for Agricultural Research in the Dry Areas (Aleppo)",
        "ICARDA-Aleppo",
        "SYR",
        "Tel Hadya, Aleppo, Syria",
    ),
    InstituteSpec(
        "DEU146",
        "Leibniz Institute of Plant Genetics and Crop Plant Research",
        "IPK",
        "DEU",
        "Corrensstrasse 3, 06466 Seeland OT Gatersleben, Germany",
    ),
    InstituteSpec(
        "USA029",
        "National Small Grains Collection, USDA-ARS",
        "NSGC",
        "USA",
        "Aberdeen, Idaho, USA",
    ),
    InstituteSpec(
        "USA022",
        "Western Regional Plant Introduction Station, USDA-ARS",
        "WRPIS",
        "USA",
        "Pullman, Washington, USA",
    ),
    InstituteSpec(
        "USA016",
        "Plant Genetic Resources Conservation Unit, USDA-ARS",
        "PGRCU",
        "USA",
        "Griffin, Georgia, USA",
    ),
    InstituteSpec(
        "IND001",
        "National Bureau of Plant Genetic Resources",
        "NBPGR",
        "IND",
        "Pusa Campus, New Delhi 110012, India",
    ),
    InstituteSpec(
        "IND002",
        "International Crops Research Institute for the Semi-Arid Tropics",
        "ICRISAT",
        "IND",
        "Patancheru, Telangana 502324, India",
    ),
    InstituteSpec(
        "MEX002",
        "International Maize and Wheat Improvement Center",
        "CIMMYT",
        "MEX",
        "Km. 45 Carretera Mexico-Veracruz, El Batan, Texcoco, Mexico",
    ),
    InstituteSpec("SWE054", "Nordic Genetic Resource Center", "NordGen", "SWE", "Alnarp, Sweden"),
    InstituteSpec(
        "NOR051", "Svalbard Global Seed Vault", "SGSV", "NOR", "Longyearbyen, Svalbard, Norway"
    ),
)

# The donor's own accession number, as that genebank writes it.
DONOR_NUMBER_FORMATS: dict[str, Callable[[random.Random, str], str]] = {
    "LBN002": lambda r, g: f"IG {r.randint(1000, 160000)}",
    "SYR002": lambda r, g: f"IG {r.randint(1000, 140000)}",
    "DEU146": lambda r, g: f"{g[:3].upper()} {r.randint(100, 19999)}",
    "USA029": lambda r, g: f"PI {r.randint(100000, 699999)}",
    "USA022": lambda r, g: f"PI {r.randint(100000, 699999)}",
    "USA016": lambda r, g: f"PI {r.randint(100000, 699999)}",
    "IND001": lambda r, g: f"IC{r.randint(100000, 620000)}",
    "IND002": lambda r, g: (
        f"IP {r.randint(1000, 22000)}"
        if g == "Pennisetum"
        else f"IS {r.randint(1000, 45000)}"
        if g == "Sorghum"
        else f"ICC {r.randint(1000, 20000)}"
    ),
    "MEX002": lambda r, g: f"CWI {r.randint(10000, 99999)}",
    "SWE054": lambda r, g: f"NGB{r.randint(1000, 27000)}",
}

# The national programme that releases cultivars in each country (BREDCODE is not in WIEWS here).
NATIONAL_PROGRAMMES = {
    "JOR": "National Agricultural Research Center (NARC), Jordan",
    "SYR": "General Commission for Scientific Agricultural Research (GCSAR), Syria",
    "LBN": "Lebanese Agricultural Research Institute (LARI)",
    "IRQ": "State Board for Seed Testing and Certification, Iraq",
    "EGY": "Agricultural Research Center (ARC), Giza, Egypt",
    "MAR": "Institut National de la Recherche Agronomique (INRA), Maroc",
    "TUN": "Institut National de la Recherche Agronomique de Tunisie (INRAT)",
    "DZA": "Institut Technique des Grandes Cultures (ITGC), Algérie",
    "ETH": "Ethiopian Institute of Agricultural Research (EIAR)",
    "YEM": "Agricultural Research and Extension Authority (AREA), Yemen",
    "IRN": "Seed and Plant Improvement Institute (SPII), Karaj, Iran",
    "TUR": "Field Crops Central Research Institute, Ankara, Türkiye",
    "IND": "Indian Council of Agricultural Research (ICAR)",
    "PAK": "Pakistan Agricultural Research Council (PARC)",
    "MEX": "CIMMYT, Mexico",
}


@dataclass(frozen=True)
class TaxonSpec:
    genus: str
    species: str
    species_author: str
    share: float
    wild: bool = False
    subtaxa: str = ""
    subtaxa_author: str = ""
    # Where the taxon grows; for wild relatives the countries of their natural range.
    countries: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.genus, self.species, self.subtaxa, self.species_author, self.subtaxa_author)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.genus, self.species, self.subtaxa) if p)


@dataclass(frozen=True, eq=False)  # hashed by identity: each crop is one object
class CropSpec:
    name: str
    name_fr: str
    name_ar: str
    share: float
    taxa: tuple[TaxonSpec, ...]
    origins: dict[str, int]
    landraces: tuple[str, ...]
    cultivars: tuple[tuple[str, str], ...]  # (name, country that released it)
    vegetative: bool = False


_WANA_CEREAL = {
    "JOR": 24,
    "SYR": 18,
    "LBN": 4,
    "IRQ": 7,
    "EGY": 5,
    "MAR": 7,
    "TUN": 7,
    "DZA": 6,
    "ETH": 7,
    "YEM": 5,
    "IRN": 5,
    "TUR": 7,
}
_WANA_LEGUME = {
    "JOR": 22,
    "SYR": 18,
    "LBN": 5,
    "IRQ": 4,
    "EGY": 8,
    "MAR": 8,
    "TUN": 6,
    "DZA": 4,
    "ETH": 9,
    "YEM": 3,
    "IRN": 6,
    "TUR": 9,
}
_FERTILE_CRESCENT = ("JOR", "SYR", "LBN", "IRQ", "IRN", "TUR")

CROPS: tuple[CropSpec, ...] = (
    CropSpec(
        "Wheat",
        "blé",
        "قمح",
        28,
        (
            TaxonSpec("Triticum", "aestivum", "L.", 0.52),
            TaxonSpec("Triticum", "durum", "Desf.", 0.42),
            TaxonSpec(
                "Triticum", "dicoccon", "Schrank", 0.06, countries=("ETH", "YEM", "TUR", "IRN")
            ),
        ),
        _WANA_CEREAL,
        (
            "Hourani",
            "Sheikh Ali",
            "Baladi",
            "Jazira",
            "Hamari",
            "Bayadi",
            "Soueidi",
            "Salamouni",
            "Kahla",
            "Abiad",
            "Mahmoudi",
            "Bidi",
            "Zenati",
            "Karakilcik",
            "Sinai",
            "Hiteya",
        ),
        (
            ("Cham 1", "SYR"),
            ("Cham 6", "SYR"),
            ("Cham 8", "SYR"),
            ("Hourani 27", "JOR"),
            ("Um Qais", "JOR"),
            ("Deir Alla 6", "JOR"),
            ("Acsad 65", "SYR"),
            ("Giza 168", "EGY"),
            ("Sakha 93", "EGY"),
            ("Sids 1", "EGY"),
            ("Karim", "TUN"),
            ("Achtar", "MAR"),
            ("Waha", "DZA"),
            ("Bezostaya 1", "TUR"),
            ("Seri 82", "MEX"),
            ("Pavon 76", "MEX"),
        ),
    ),
    CropSpec(
        "Barley",
        "orge",
        "شعير",
        22,
        (
            TaxonSpec("Hordeum", "vulgare", "L.", 0.8),
            TaxonSpec(
                "Hordeum",
                "vulgare",
                "L.",
                0.2,
                wild=True,
                subtaxa="subsp. spontaneum",
                subtaxa_author="(K.Koch) Thell.",
                countries=_FERTILE_CRESCENT,
            ),
        ),
        _WANA_CEREAL,
        ("Arabi Aswad", "Arabi Abiad", "Baladi", "Hamari", "Jazira", "Beldi", "Saida", "Tadmor"),
        (
            ("Rum", "JOR"),
            ("Muta", "JOR"),
            ("Acsad 176", "SYR"),
            ("Furat 1", "SYR"),
            ("Giza 126", "EGY"),
            ("Rihane-03", "MAR"),
            ("Tissa", "DZA"),
            ("Martin", "TUN"),
        ),
    ),
    CropSpec(
        "Lentil",
        "lentille",
        "عدس",
        10,
        (
            TaxonSpec("Lens", "culinaris", "Medik.", 0.85),
            TaxonSpec(
                "Lens",
                "orientalis",
                "(Boiss.) Schmalh.",
                0.15,
                wild=True,
                countries=_FERTILE_CRESCENT,
            ),
        ),
        _WANA_LEGUME,
        ("Baladi", "Hourani", "Adasi", "Kfar Kama", "Beldi", "Abiad", "Ahmar"),
        (
            ("Jordan 3", "JOR"),
            ("Idlib 2", "SYR"),
            ("Idlib 3", "SYR"),
            ("Giza 9", "EGY"),
            ("Bichette", "MAR"),
            ("Firat 87", "TUR"),
        ),
    ),
    CropSpec(
        "Chickpea",
        "pois chiche",
        "حمص",
        9,
        (TaxonSpec("Cicer", "arietinum", "L.", 1.0),),
        _WANA_LEGUME,
        ("Baladi", "Hamawi", "Hourani", "Beldi", "Kabuli local", "Zaghlouli"),
        (
            ("Ghab 1", "SYR"),
            ("Ghab 3", "SYR"),
            ("Jubeiha 2", "JOR"),
            ("Amdoun 1", "TUN"),
            ("Giza 195", "EGY"),
            ("Zahor", "MAR"),
        ),
    ),
    CropSpec(
        "Faba bean",
        "féverole",
        "فول",
        7,
        (TaxonSpec("Vicia", "faba", "L.", 1.0),),
        _WANA_LEGUME,
        ("Baladi", "Masri", "Saidi", "Rebaya", "Beldi", "Hama local"),
        (
            ("Giza 843", "EGY"),
            ("Giza Blanka", "EGY"),
            ("Misr 1", "EGY"),
            ("Nubaria 1", "EGY"),
            ("Badi", "TUN"),
        ),
    ),
    CropSpec(
        "Sorghum",
        "sorgho",
        "ذرة رفيعة",
        6,
        (TaxonSpec("Sorghum", "bicolor", "(L.) Moench", 1.0),),
        {"YEM": 30, "ETH": 25, "EGY": 10, "IND": 20, "PAK": 10, "IRQ": 5},
        ("Dura Baladi", "Gadam", "Feterita", "Hamra", "Zaidi", "Shahla"),
        (("Dorado", "MEX"), ("ICSV 112", "IND"), ("CSH 9", "IND"), ("Giza 15", "EGY")),
    ),
    CropSpec(
        "Pearl millet",
        "mil à chandelle",
        "دخن",
        4,
        (TaxonSpec("Pennisetum", "glaucum", "(L.) R.Br.", 1.0),),
        {"IND": 40, "PAK": 25, "YEM": 25, "EGY": 10},
        ("Dukhn Baladi", "Bajra local", "Dukhn Ahmar"),
        (("ICTP 8203", "IND"), ("ICMV 221", "IND"), ("Raj 171", "IND")),
    ),
    CropSpec(
        "Date palm",
        "palmier dattier",
        "نخيل التمر",
        4,
        (TaxonSpec("Phoenix", "dactylifera", "L.", 1.0),),
        {
            "IRQ": 20,
            "EGY": 15,
            "TUN": 15,
            "DZA": 15,
            "MAR": 10,
            "JOR": 10,
            "YEM": 5,
            "IRN": 5,
            "PAK": 5,
        },
        (
            "Medjool",
            "Barhi",
            "Khalas",
            "Deglet Nour",
            "Zahidi",
            "Sukkari",
            "Hayani",
            "Sewi",
            "Khadrawi",
            "Mazafati",
            "Piarom",
            "Halawi",
            "Allig",
            "Mech Degla",
            "Boufeggous",
        ),
        (),
        vegetative=True,
    ),
    CropSpec(
        "Olive",
        "olivier",
        "زيتون",
        5,
        (TaxonSpec("Olea", "europaea", "L.", 1.0),),
        {"JOR": 35, "SYR": 20, "LBN": 10, "TUN": 12, "MAR": 10, "DZA": 5, "TUR": 8},
        (
            "Nabali Baladi",
            "Nabali Muhassan",
            "Rasi'i",
            "Souri",
            "Kanabisi",
            "Chemlali",
            "Chetoui",
            "Picholine marocaine",
            "Zaity",
            "Dhokar",
            "Sorani",
            "Ayvalik",
            "Gemlik",
        ),
        (),
        vegetative=True,
    ),
    CropSpec(
        "Rice",
        "riz",
        "أرز",
        5,
        (TaxonSpec("Oryza", "sativa", "L.", 1.0),),
        {"EGY": 35, "IRN": 20, "IRQ": 15, "IND": 15, "PAK": 15},
        ("Amber Baghdad", "Tarom Hashemi", "Sadri", "Yabani", "Champa"),
        (
            ("Giza 177", "EGY"),
            ("Sakha 101", "EGY"),
            ("Sakha 104", "EGY"),
            ("Basmati 370", "IND"),
            ("IR 64", "IND"),
            ("Super Basmati", "PAK"),
        ),
    ),
)
CROP_BY_NAME = {c.name: c for c in CROPS}

# Collecting places: (town, latitude, longitude, elevation m), each at least MAX_OFFSET_KM inside
# the country's outline in every direction (checked against genebank.core.geo in the tests).
TOWNS: dict[str, tuple[tuple[str, float, float, int], ...]] = {
    "JOR": (
        ("Ajloun", 32.333, 35.752, 800),
        ("Irbid", 32.556, 35.850, 600),
        ("Jerash", 32.281, 35.899, 560),
        ("Mafraq", 32.343, 36.208, 700),
        ("Madaba", 31.717, 35.794, 780),
        ("Karak", 31.185, 35.705, 930),
        ("Tafilah", 30.837, 35.604, 1050),
        ("Dhiban", 31.499, 35.779, 700),
        ("Salt", 32.039, 35.727, 800),
        ("Shobak", 30.519, 35.560, 1330),
        ("Ma'an", 30.196, 35.734, 1070),
        ("Sahab", 31.871, 36.005, 800),
    ),
    "SYR": (
        ("Aleppo", 36.202, 37.134, 380),
        ("Hama", 35.132, 36.755, 300),
        ("Homs", 34.730, 36.709, 500),
        ("Maarat al-Numan", 35.644, 36.678, 500),
        ("Raqqa", 35.950, 39.010, 250),
        ("Hasakah", 36.500, 40.748, 300),
        ("Deir ez-Zor", 35.336, 40.141, 210),
        ("Salamiyah", 35.011, 37.053, 475),
        ("Sweida", 32.709, 36.567, 1000),
        ("Izra'", 32.857, 36.248, 575),
    ),
    "LBN": (
        ("Zahle", 33.849, 35.902, 950),
        ("Baalbek", 34.006, 36.211, 1150),
        ("Chtaura", 33.819, 35.857, 900),
        ("Qab Elias", 33.794, 35.824, 900),
        ("Deir el Ahmar", 34.124, 36.130, 1050),
    ),
    "IRQ": (
        ("Mosul", 36.340, 43.130, 230),
        ("Erbil", 36.191, 44.009, 420),
        ("Kirkuk", 35.468, 44.392, 350),
        ("Sulaymaniyah", 35.557, 45.435, 880),
        ("Baghdad", 33.315, 44.366, 40),
        ("Hillah", 32.483, 44.420, 30),
        ("Diwaniyah", 31.990, 44.925, 20),
        ("Ramadi", 33.420, 43.300, 50),
        ("Tikrit", 34.600, 43.680, 110),
    ),
    "EGY": (
        ("Faiyum", 29.308, 30.842, 25),
        ("Minya", 28.100, 30.750, 40),
        ("Assiut", 27.180, 31.183, 50),
        ("Beni Suef", 29.074, 31.097, 30),
        ("Tanta", 30.788, 31.000, 10),
        ("Zagazig", 30.587, 31.502, 15),
        ("Sohag", 26.557, 31.695, 60),
        ("Siwa", 29.203, 25.519, 0),
        ("Kharga", 25.440, 30.550, 70),
    ),
    "MAR": (
        ("Meknes", 33.895, -5.555, 550),
        ("Fes", 34.033, -5.000, 410),
        ("Khenifra", 32.935, -5.668, 830),
        ("Beni Mellal", 32.337, -6.360, 625),
        ("Settat", 33.001, -7.620, 370),
        ("Marrakech", 31.630, -8.008, 460),
        ("Errachidia", 31.931, -4.424, 1040),
        ("Zagora", 30.332, -5.838, 720),
        ("Taza", 34.210, -4.010, 510),
    ),
    "TUN": (
        ("Beja", 36.725, 9.182, 250),
        ("Kairouan", 35.678, 10.096, 60),
        ("Siliana", 36.085, 9.370, 450),
        ("Le Kef", 36.182, 8.715, 780),
        ("Sidi Bouzid", 35.038, 9.485, 350),
        ("Kasserine", 35.168, 8.836, 650),
        ("Tozeur", 33.920, 8.134, 50),
        ("Kebili", 33.705, 8.965, 40),
    ),
    "DZA": (
        ("Setif", 36.190, 5.414, 1080),
        ("Tiaret", 35.371, 1.317, 1080),
        ("Batna", 35.556, 6.174, 1040),
        ("Biskra", 34.850, 5.728, 120),
        ("Constantine", 36.365, 6.615, 640),
        ("Medea", 36.264, 2.754, 920),
        ("Sidi Bel Abbes", 35.190, -0.630, 480),
        ("Touggourt", 33.106, 6.067, 70),
        ("Ghardaia", 32.490, 3.674, 500),
    ),
    "ETH": (
        ("Bishoftu", 8.750, 38.983, 1900),
        ("Debre Markos", 10.333, 37.733, 2440),
        ("Gondar", 12.600, 37.467, 2130),
        ("Mekelle", 13.497, 39.475, 2080),
        ("Bahir Dar", 11.594, 37.390, 1800),
        ("Asella", 7.950, 39.133, 2400),
        ("Dessie", 11.133, 39.633, 2470),
        ("Holetta", 9.060, 38.500, 2390),
    ),
    "YEM": (
        ("Sana'a", 15.355, 44.207, 2250),
        ("Dhamar", 14.543, 44.405, 2400),
        ("Ibb", 13.967, 44.183, 2000),
        ("Amran", 15.659, 43.944, 2200),
        ("Yarim", 14.298, 44.378, 2600),
        ("Seiyun", 15.943, 48.789, 680),
    ),
    "IRN": (
        ("Karaj", 35.833, 50.967, 1300),
        ("Isfahan", 32.653, 51.667, 1570),
        ("Shiraz", 29.592, 52.584, 1500),
        ("Hamadan", 34.799, 48.515, 1850),
        ("Kermanshah", 34.314, 47.065, 1350),
        ("Yazd", 31.897, 54.357, 1200),
        ("Bam", 29.106, 58.357, 1060),
        ("Tabriz", 38.080, 46.292, 1350),
    ),
    "TUR": (
        ("Konya", 37.871, 32.485, 1020),
        ("Ankara", 39.933, 32.860, 940),
        ("Eskisehir", 39.777, 30.521, 790),
        ("Diyarbakir", 37.914, 40.231, 670),
        ("Sanliurfa", 37.159, 38.792, 520),
        ("Kayseri", 38.721, 35.487, 1050),
        ("Malatya", 38.355, 38.309, 960),
        ("Erzurum", 39.905, 41.266, 1900),
    ),
    "IND": (
        ("Jodhpur", 26.238, 73.024, 230),
        ("Hyderabad", 17.385, 78.487, 540),
        ("Pune", 18.520, 73.857, 560),
        ("Solapur", 17.660, 75.906, 460),
        ("Jaipur", 26.912, 75.787, 430),
        ("Bikaner", 28.022, 73.312, 240),
        ("Raipur", 21.251, 81.630, 300),
        ("Bhopal", 23.260, 77.413, 500),
    ),
    "PAK": (
        ("Faisalabad", 31.418, 73.079, 185),
        ("Multan", 30.198, 71.468, 120),
        ("Bahawalpur", 29.395, 71.683, 115),
        ("Sargodha", 32.083, 72.671, 190),
        ("Larkana", 27.558, 68.212, 50),
        ("Khairpur", 27.529, 68.759, 50),
    ),
}
MAX_OFFSET_KM = {"LBN": 5, "JOR": 10}
DEFAULT_MAX_OFFSET_KM = 15
BEARINGS = (
    ("N", 0),
    ("NE", 45),
    ("E", 90),
    ("SE", 135),
    ("S", 180),
    ("SW", 225),
    ("W", 270),
    ("NW", 315),
)


@dataclass(frozen=True)
class PersonSpec:
    name: str
    initials: str
    country: str
    institute: str = ""  # WIEWS code, when the institute is in the demo
    collector: bool = False
    donor: bool = False
    breeder: bool = False


PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("Ahmad Al-Zoubi", "AZ", "JOR", HOLDING_CODE, collector=True),
    PersonSpec("Rania Shawabkeh", "RS", "JOR", HOLDING_CODE, collector=True),
    PersonSpec("Khaled Abu-Rumman", "KA", "JOR", HOLDING_CODE, collector=True),
    PersonSpec("Samira Bani Hani", "SB", "JOR", HOLDING_CODE, collector=True),
    PersonSpec("Yousef Al-Tell", "YT", "JOR", HOLDING_CODE, collector=True, breeder=True),
    PersonSpec("Hiba Nasser", "HN", "JOR", HOLDING_CODE, collector=True),
    PersonSpec("Omar Haddad", "OH", "LBN", "LBN002", collector=True),
    PersonSpec("Nour Kassem", "NK", "LBN", "LBN002", collector=True),
    PersonSpec("Jean-Marc Dufour", "JD", "FRA", "SYR002", collector=True),
    PersonSpec("John Thompson", "JT", "GBR", "SYR002", collector=True),
    PersonSpec("Sarah Mitchell", "SM", "GBR", "LBN002", collector=True),
    PersonSpec("Ali Shehadeh", "AS", "SYR", "SYR002", collector=True),
    PersonSpec("Lama Darwish", "LD", "SYR", "", collector=True),
    PersonSpec("Hassan Al-Jubouri", "HJ", "IRQ", "", collector=True),
    PersonSpec("Mostafa El-Sayed", "ME", "EGY", "", collector=True),
    PersonSpec("Hamid Benkirane", "HB", "MAR", "", collector=True),
    PersonSpec("Claire Moreau", "CM", "FRA", "", collector=True),
    PersonSpec("Leïla Ben Salem", "LB", "TUN", "", collector=True),
    PersonSpec("Abdelkader Benali", "AB", "DZA", "", collector=True),
    PersonSpec("Tesfaye Bekele", "TB", "ETH", "", collector=True),
    PersonSpec("Abdullah Al-Hakimi", "AH", "YEM", "", collector=True),
    PersonSpec("Reza Ahmadi", "RA", "IRN", "", collector=True),
    PersonSpec("Mehmet Yilmaz", "MY", "TUR", "", collector=True),
    PersonSpec("Katrin Vogel", "KV", "DEU", "DEU146", collector=True),
    PersonSpec("Salem Al-Omari", "SO", "JOR", donor=True),
    PersonSpec("Mahmoud Qudah", "MQ", "JOR", donor=True),
    PersonSpec("Umm Khaled Al-Momani", "UM", "JOR", donor=True),
    PersonSpec("Fawwaz Al-Hmoud", "FH", "JOR", donor=True),
    PersonSpec("Nabil Saadeh", "NS", "JOR", donor=True),
    PersonSpec("Ibrahim Al-Khatib", "IK", "SYR", donor=True),
    PersonSpec("Mounir Jaziri", "MJ", "TUN", donor=True),
    PersonSpec("Fatima Zahra Alaoui", "FA", "MAR", donor=True),
)

# Missions per country of the 25 the plan holds, with the years they may fall in.
MISSIONS: tuple[tuple[str, int, int, int], ...] = (
    ("JOR", 10, 1978, 2022),
    ("SYR", 3, 1980, 2009),
    ("MAR", 2, 1985, 2012),
    ("YEM", 2, 1983, 2008),
    ("LBN", 1, 1995, 2015),
    ("IRQ", 1, 1984, 2012),
    ("EGY", 1, 1988, 2014),
    ("TUN", 1, 1990, 2016),
    ("DZA", 1, 1989, 2014),
    ("ETH", 1, 1992, 2016),
    ("IRN", 1, 1996, 2016),
    ("TUR", 1, 1990, 2014),
)

WILD_HABITATS = (
    "Rocky limestone slope, heavily grazed",
    "Field margin with Aegilops and Avena",
    "Open oak woodland (Quercus calliprinos), terra rossa",
    "Basalt steppe, scattered shrubs",
    "Abandoned terraces, Mediterranean garrigue",
    "Wadi bed, gravelly soil",
    "Roadside bank, disturbed",
)
DEACCESSION_REASONS = (
    "Lost viability; regeneration failed twice",
    "Seed exhausted, no material left for regeneration",
    "Misidentified taxon; material destroyed after verification",
    "Seed-borne pathogen detected (Ditylenchus dipsaci); seed destroyed",
)


# --------------------------------------------------------------------------------------------
# The plan: pure data, derived from the seed alone
# --------------------------------------------------------------------------------------------


@dataclass
class MissionPlan:
    code: str
    name: str
    country: str
    start: datetime.date
    end: datetime.date
    team: list[str]
    target_crops: list[str]
    collecting_permit: str
    pic_reference: str
    export_permit: str
    notes: str
    organiser: str = HOLDING_CODE
    samples: int = 0


@dataclass
class EventPlan:
    mission_code: str
    collector_number: str
    collectors: list[str]
    institutes: list[str]
    site: str
    latitude: Decimal
    longitude: Decimal
    latitude_dms: str
    longitude_dms: str
    uncertainty: int
    georeference_method: str
    elevation: int
    date: str
    source: int
    habitat: str


@dataclass
class AcquisitionPlan:
    kind: str
    date: str
    donor_institute: str = ""
    donor_person: str = ""
    donor_name: str = ""
    donor_number: str = ""
    agreement_reference: str = ""
    import_permit: str = ""
    phytosanitary_certificate: str = ""
    quarantine_status: str = Acquisition.Quarantine.NOT_REQUIRED
    quarantine_notes: str = ""


@dataclass
class AccessionPlan:
    crop: str
    taxon: TaxonSpec
    sample_status: int
    origin: str
    acquisition: AcquisitionPlan
    names: list[str] = field(default_factory=list)
    other_numbers: list[tuple[str, str]] = field(default_factory=list)
    event: EventPlan | None = None
    ancestry: str = ""
    breeding_institutes: list[str] = field(default_factory=list)
    breeder_name: str = ""
    storage_codes: str = ""
    duplicate_site_codes: str = ""
    duplicate_site_names: str = ""
    remarks: str = ""
    is_public: bool = True
    sensitive_location: bool = False
    deaccession_date: datetime.date | None = None
    deaccession_reason: str = ""
    sequence: int = 0
    number: str = ""


@dataclass
class DemoPlan:
    missions: list[MissionPlan]
    accessions: list[AccessionPlan]


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _mcpd_date(day: datetime.date, precision: str = "day") -> str:
    """YYYYMMDD with unknown parts as '--', the form genebank stores (MCPD ACQDATE, COLLDATE)."""
    if precision == "year":
        return f"{day.year:04d}----"
    if precision == "month":
        return f"{day.year:04d}{day.month:02d}--"
    return day.strftime("%Y%m%d")


def _date_precision(rng: random.Random, year: int) -> str:
    """Older records more often lost their day or month."""
    p_year, p_month = (0.18, 0.22) if year < 1990 else (0.05, 0.10)
    x = rng.random()
    return "year" if x < p_year else "month" if x < p_year + p_month else "day"


def _random_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    end = min(end, LAST_DATE)
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _dms(value: float, positive: str, negative: str, degree_digits: int, seconds: bool):
    """(MCPD DMS text, the decimal it stands for): the decimal is derived from the DMS, so they agree."""
    hemisphere = positive if value >= 0 else negative
    unit = 1 if seconds else 60
    total = round(abs(value) * 3600 / unit) * unit
    degrees, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = (
        f"{degrees:0{degree_digits}d}{minutes:02d}{f'{secs:02d}' if seconds else '--'}{hemisphere}"
    )
    decimal = Decimal(f"{(degrees + minutes / 60 + secs / 3600):.6f}")
    return text, decimal if value >= 0 else -decimal


def dms_to_decimal(text: str) -> float:
    """The decimal degrees an MCPD LATITUDE/LONGITUDE (DDMMSSH / DDDMMSSH) stands for."""
    digits, hemisphere = text[:-1], text[-1]
    width = len(digits) - 4
    degrees = int(digits[:width])
    minutes = int(digits[width : width + 2].replace("--", "0") or 0)
    seconds = int(digits[width + 2 :].replace("--", "0") or 0)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if hemisphere in "SW" else value


def _collecting_site(rng: random.Random, country: str, old: bool):
    town, lat, lon, elevation = rng.choice(TOWNS[country])
    distance = rng.randint(1, MAX_OFFSET_KM.get(country, DEFAULT_MAX_OFFSET_KM))
    direction, bearing = rng.choice(BEARINGS)
    lat2 = lat + distance * math.cos(math.radians(bearing)) / 111.32
    lon2 = lon + distance * math.sin(math.radians(bearing)) / (111.32 * math.cos(math.radians(lat)))
    seconds = not old or rng.random() < 0.4
    lat_dms, lat_dec = _dms(lat2, "N", "S", 2, seconds)
    lon_dms, lon_dec = _dms(lon2, "E", "W", 3, seconds)
    elevation = max(-50 if country == "EGY" else 0, elevation + rng.randint(-80, 150))
    return {
        "site": f"{distance} km {direction} of {town}",
        "latitude": lat_dec,
        "longitude": lon_dec,
        "latitude_dms": lat_dms,
        "longitude_dms": lon_dms,
        "elevation": elevation,
        "town": town,
    }


def _plan_missions(rng: random.Random) -> list[MissionPlan]:
    collectors = [p for p in PEOPLE if p.collector]
    holding_team = [p.name for p in collectors if p.institute == HOLDING_CODE]
    icarda_team = [p.name for p in collectors if p.institute in ("LBN002", "SYR002")]
    international = ["Katrin Vogel", "Claire Moreau"]
    missions: list[MissionPlan] = []
    codes: set[str] = set()
    for country, how_many, first_year, last_year in MISSIONS:
        crops_here = {c.name: c.origins[country] * c.share for c in CROPS if c.origins.get(country)}
        for _ in range(how_many):
            while True:
                year = rng.randint(first_year, last_year)
                month = rng.choice((4, 5, 5, 6, 6, 7, 9, 10))
                code = f"{country}-{year}-{month:02d}"
                if code not in codes:
                    codes.add(code)
                    break
            start = datetime.date(year, month, rng.randint(1, 20))
            end = start + datetime.timedelta(days=rng.randint(6, 21))
            target = []
            for _ in range(rng.randint(1, 3)):
                crop = _weighted(rng, crops_here)
                if crop not in target:
                    target.append(crop)
            local = [
                p.name for p in collectors if p.country == country and p.name not in holding_team
            ]
            team = rng.sample(holding_team, rng.randint(1, 2)) if country == "JOR" else []
            team += rng.sample(local, min(len(local), rng.randint(1, 2)))
            if country != "JOR" or rng.random() < 0.3:
                team.append(rng.choice(icarda_team + international))
            while len(team) < 2:
                extra = rng.choice(holding_team)
                if extra not in team:
                    team.append(extra)
            team = team[:4]
            towns = rng.sample([t[0] for t in TOWNS[country]], 2)
            organiser = (
                HOLDING_CODE if country == "JOR" else rng.choice(("LBN002", "SYR002", HOLDING_CODE))
            )
            if organiser == "SYR002" and year >= 2012:
                organiser = "LBN002"  # ICARDA left Aleppo in 2012
            joint = "" if organiser == HOLDING_CODE else "Joint mission with ICARDA. "
            missions.append(
                MissionPlan(
                    code=code,
                    name=f"{_crop_list(target)} collecting, {towns[0]} – {towns[1]}",
                    country=country,
                    start=start,
                    end=min(end, LAST_DATE),
                    team=team,
                    target_crops=target,
                    collecting_permit=f"{country}/CP/{year}/{rng.randint(1, 99):02d}",
                    pic_reference=f"PIC {year}-{rng.randint(1, 40):03d}" if year >= 1994 else "",
                    export_permit=f"{country}/EXP/{year}/{rng.randint(1, 300):03d}"
                    if country != "JOR"
                    else "",
                    notes=f"{joint}Samples shared with the national programme of {country}."
                    if country != "JOR"
                    else "Samples split with the national seed bank working collection.",
                    organiser=organiser,
                )
            )
    missions.sort(key=lambda m: (m.start, m.code))
    return missions


def _crop_list(crops: list[str]) -> str:
    words = [c.lower() for c in crops]
    text = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    return text.capitalize()


def _wild_or_cultivated(rng: random.Random, crop: CropSpec, country: str) -> TaxonSpec:
    """Missions in the Fertile Crescent look hard for crop wild relatives where they grow."""
    here = [t for t in crop.taxa if not t.countries or country in t.countries]
    wild = [t for t in here if t.wild]
    if wild and rng.random() < 0.45:
        return rng.choice(wild)
    return _weighted(rng, {t: t.share for t in here if not t.wild})


def _collected(rng: random.Random, mission: MissionPlan, counters: dict[str, int]) -> AccessionPlan:
    crop = CROP_BY_NAME[rng.choice(mission.target_crops)]
    taxon = _wild_or_cultivated(rng, crop, mission.country)
    status = (
        (SampleStatus.WILD if rng.random() < 0.75 else SampleStatus.NATURAL)
        if taxon.wild
        else (SampleStatus.LANDRACE)
    )
    day = _random_day(rng, mission.start, mission.end)
    old = day.year < 1995
    where = _collecting_site(rng, mission.country, old)
    leader = mission.team[0]
    initials = next(p.initials for p in PEOPLE if p.name == leader)
    counters[leader] = counters.get(leader, 0) + 1
    if taxon.wild:
        source = rng.choice(
            (
                CollectingSource.WILD_HABITAT,
                CollectingSource.SHRUBLAND,
                CollectingSource.GRASSLAND,
                CollectingSource.ROADSIDE,
                CollectingSource.FIELD_MARGIN,
            )
        )
        habitat = rng.choice(WILD_HABITATS)
    elif crop.vegetative:
        source = rng.choice(
            (CollectingSource.ORCHARD, CollectingSource.GARDEN, CollectingSource.FARM)
        )
        habitat = "Old orchard, offshoots/cuttings taken from a single tree"
    else:
        source = rng.choice(
            (
                CollectingSource.FIELD,
                CollectingSource.FIELD,
                CollectingSource.FARM_STORE,
                CollectingSource.THRESHING_FLOOR,
                CollectingSource.MARKET,
                CollectingSource.GARDEN,
            )
        )
        habitat = ""
    event = EventPlan(
        mission_code=mission.code,
        collector_number=f"{initials}-{counters[leader]:04d}",
        collectors=mission.team[: rng.randint(2, len(mission.team))],
        institutes=[mission.organiser]
        if mission.organiser == HOLDING_CODE
        else [HOLDING_CODE, mission.organiser],
        site=where["site"],
        latitude=where["latitude"],
        longitude=where["longitude"],
        latitude_dms=where["latitude_dms"],
        longitude_dms=where["longitude_dms"],
        uncertainty=rng.choice((1000, 2000, 5000)) if old else rng.choice((10, 30, 50, 100, 250)),
        georeference_method="gazetteer" if old else "GPS",
        elevation=where["elevation"],
        date=_mcpd_date(day),
        source=source,
        habitat=habitat,
    )
    received = min(day + datetime.timedelta(days=rng.randint(5, 90)), LAST_DATE)
    foreign = mission.country != "JOR"
    acquisition = AcquisitionPlan(
        kind=Acquisition.Kind.COLLECTED,
        date=_mcpd_date(received, _date_precision(rng, received.year)),
        agreement_reference=mission.pic_reference,
        import_permit=f"JOR/IMP/{received.year}/{rng.randint(1, 500):03d}" if foreign else "",
        phytosanitary_certificate=f"PC-{mission.country}-{rng.randint(1000, 9999)}"
        if foreign
        else "",
        quarantine_status=Acquisition.Quarantine.RELEASED
        if foreign
        else Acquisition.Quarantine.NOT_REQUIRED,
        quarantine_notes="Inspected on arrival, released" if foreign else "",
    )
    names = []
    if not taxon.wild and (crop.vegetative or rng.random() < 0.4):
        names.append(rng.choice(crop.landraces))
    plan = AccessionPlan(
        crop.name, taxon, status, mission.country, acquisition, names=names, event=event
    )
    plan.sensitive_location = rng.random() < (0.35 if taxon.wild else 0.04)
    return plan


def _donor_number(rng: random.Random, code: str, genus: str) -> str:
    return DONOR_NUMBER_FORMATS[code](rng, genus)


def _transfer_donor(rng: random.Random, crop: CropSpec, year: int) -> str:
    if crop.name in ("Sorghum", "Pearl millet"):
        options = {"IND002": 5, "IND001": 3, "USA016": 2}
    elif crop.name == "Rice":
        options = {"IND001": 4, "USA029": 2, "DEU146": 1}
    elif crop.name == "Wheat":
        options = {"ICARDA": 6, "MEX002": 3, "DEU146": 2, "USA029": 2, "SWE054": 1}
    elif crop.name == "Barley":
        options = {"ICARDA": 6, "DEU146": 2, "USA029": 2, "SWE054": 2}
    elif crop.name == "Chickpea":
        options = {"ICARDA": 6, "IND002": 3, "USA022": 2}
    else:
        options = {"ICARDA": 6, "USA022": 2, "DEU146": 1}
    code = _weighted(rng, options)
    if code == "ICARDA":
        # ICARDA's genebank started in Aleppo in 1977 and moved to Terbol in 2012.
        code = "DEU146" if year < 1980 else "SYR002" if year < 2012 else "LBN002"
    return code


def _agreement(rng: random.Random, year: int, annex1: bool) -> str:
    if annex1 and year >= 2007:
        return f"SMTA {year}-{rng.randint(1, 120):03d}"
    return f"MTA {year}/{rng.randint(1, 60):02d}" if year >= 1994 else ""


def _pedigree(rng: random.Random, crop: CropSpec) -> str:
    parents = [n for n, _c in crop.cultivars] + list(crop.landraces[:4])
    a, b, c = rng.sample(parents, 3)
    return rng.choice((f"{a}/{b}", f"{a}/{b}//{c}", f"{a}*2/{b}"))


def _not_collected(rng: random.Random, index: int) -> AccessionPlan:
    crop = _weighted(rng, {c: c.share for c in CROPS})
    year = rng.randint(1976, 2024)
    day = _random_day(rng, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    date = _mcpd_date(day, _date_precision(rng, year))
    annex1 = annex1_crop(crop.taxa[0].genus, crop.taxa[0].species) is not None
    roll = rng.random()
    wild_taxa = [t for t in crop.taxa if t.wild]
    if crop.vegetative:
        status = SampleStatus.LANDRACE
    elif wild_taxa and roll < 0.25:
        status = SampleStatus.WILD if rng.random() < 0.75 else SampleStatus.NATURAL
    elif rng.random() < 0.4:
        status = SampleStatus.LANDRACE
    elif rng.random() < 0.4:
        status = SampleStatus.BREEDERS_LINE
    else:
        status = SampleStatus.IMPROVED_CULTIVAR
    if status in (SampleStatus.WILD, SampleStatus.NATURAL):
        taxon = rng.choice(wild_taxa)
        origin = rng.choice(taxon.countries)
    else:
        cultivated = {t: t.share for t in crop.taxa if not t.wild}
        taxon = _weighted(rng, cultivated)
        origin = rng.choice(taxon.countries) if taxon.countries else _weighted(rng, crop.origins)
    plan = AccessionPlan(
        crop.name, taxon, status, origin, AcquisitionPlan(Acquisition.Kind.OTHER, date)
    )
    acquisition = plan.acquisition
    if status in (SampleStatus.LANDRACE, SampleStatus.WILD, SampleStatus.NATURAL):
        if crop.vegetative and origin != "JOR":
            # Offshoots and cuttings come from national field collections, not seed genebanks.
            acquisition.kind = Acquisition.Kind.DONATION
            acquisition.donor_name = NATIONAL_PROGRAMMES[origin]
            acquisition.agreement_reference = _agreement(rng, year, annex1)
        elif origin == "JOR" and rng.random() < 0.5 and status == SampleStatus.LANDRACE:
            donors = [p for p in PEOPLE if p.donor and p.country == "JOR"]
            donor = rng.choice(donors)
            acquisition.kind = Acquisition.Kind.DONATION
            acquisition.donor_person = donor.name
            acquisition.agreement_reference = (
                f"PIC {year}-{rng.randint(1, 80):03d}" if year >= 1994 else ""
            )
            plan.remarks = "Farmer's own seed, grown in the family for generations"
        else:
            code = _transfer_donor(rng, crop, year)
            acquisition.kind = Acquisition.Kind.TRANSFER
            acquisition.donor_institute = code
            acquisition.donor_number = _donor_number(rng, code, taxon.genus)
            acquisition.agreement_reference = _agreement(rng, year, annex1)
            plan.other_numbers.append((code, acquisition.donor_number))
            if origin == "JOR":
                plan.remarks = "Repatriated: originally collected in Jordan"
        if crop.vegetative or (status == SampleStatus.LANDRACE and rng.random() < 0.35):
            plan.names.append(rng.choice(crop.landraces))
        plan.sensitive_location = taxon.wild and rng.random() < 0.3
    elif status == SampleStatus.BREEDERS_LINE:
        plan.ancestry = _pedigree(rng, crop)
        if rng.random() < 0.5:
            acquisition.kind = Acquisition.Kind.BRED
            plan.origin = "JOR"
            plan.breeding_institutes = [HOLDING_CODE]
            plan.names.append(
                f"JO{crop.name[0]}{taxon.species[0].upper()}-{year % 100:02d}-{index % 997:03d}"
            )
        else:
            code = (
                "MEX002"
                if crop.name == "Wheat" and rng.random() < 0.5
                else (
                    "IND002" if crop.name in ("Sorghum", "Pearl millet", "Chickpea") else "LBN002"
                )
            )
            if code == "LBN002" and year < 2012:
                code = "SYR002"
            acquisition.kind = Acquisition.Kind.TRANSFER
            acquisition.donor_institute = code
            acquisition.donor_number = f"{code[:3]}-L{year % 100:02d}-{rng.randint(1, 9999):04d}"
            acquisition.agreement_reference = (
                f"SMTA/PGRFA-UD {year}-{rng.randint(1, 99):03d}" if year >= 2007 and annex1 else ""
            )
            plan.origin = {"MEX002": "MEX", "IND002": "IND", "SYR002": "SYR", "LBN002": "LBN"}[code]
            plan.breeding_institutes = [code]
            plan.other_numbers.append((code, acquisition.donor_number))
    else:
        name, country = rng.choice(crop.cultivars)
        plan.origin = country
        plan.names.append(name)
        plan.breeder_name = NATIONAL_PROGRAMMES[plan.origin]
        if plan.origin == "MEX":
            plan.breeding_institutes = ["MEX002"]
            plan.breeder_name = ""
        if rng.random() < 0.6:
            acquisition.kind = Acquisition.Kind.DONATION
            acquisition.donor_name = NATIONAL_PROGRAMMES[plan.origin]
            acquisition.agreement_reference = _agreement(rng, year, annex1)
        else:
            code = _transfer_donor(rng, crop, year)
            acquisition.kind = Acquisition.Kind.TRANSFER
            acquisition.donor_institute = code
            acquisition.donor_number = _donor_number(rng, code, taxon.genus)
            acquisition.agreement_reference = _agreement(rng, year, annex1)
            plan.other_numbers.append((code, acquisition.donor_number))
    if acquisition.kind in (Acquisition.Kind.TRANSFER, Acquisition.Kind.DONATION) and (
        acquisition.donor_institute or plan.origin != "JOR"
    ):
        acquisition.import_permit = f"JOR/IMP/{year}/{rng.randint(1, 500):03d}"
        acquisition.phytosanitary_certificate = f"PC-{rng.randint(10000, 99999)}"
        if year >= 1995:  # no quarantine records before then
            acquisition.quarantine_status = Acquisition.Quarantine.RELEASED
            acquisition.quarantine_notes = "Inspected on arrival, released"
    return plan


def _date_key(mcpd: str) -> str:
    return mcpd.replace("-", "0")


def plan_demo_collection(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> DemoPlan:
    """The whole demo collection as plain data; the same (count, seed) always gives the same plan."""
    rng = random.Random(seed)
    missions = _plan_missions(rng)
    collected_total = round(count * 0.48)
    weights = [rng.uniform(0.5, 1.5) for _ in missions]
    scale = collected_total / sum(weights)
    shares = [max(1, int(w * scale)) for w in weights]
    # Adjust the largest mission so the shares add up exactly.
    shares[shares.index(max(shares))] += collected_total - sum(shares)
    counters: dict[str, int] = {}
    accessions: list[AccessionPlan] = []
    for mission, share in zip(missions, shares, strict=True):
        mission.samples = max(0, share)
        accessions.extend(_collected(rng, mission, counters) for _ in range(mission.samples))
    while len(accessions) < count:
        accessions.append(_not_collected(rng, len(accessions)))
    accessions = accessions[:count]

    # A few recent arrivals from abroad still in quarantine, hidden from the public catalogue.
    foreign = [a for a in accessions if a.acquisition.donor_institute]
    for plan in rng.sample(foreign, min(len(foreign), max(2, count // 100))):
        day = _random_day(rng, datetime.date(2025, 1, 1), LAST_DATE)
        plan.acquisition.date = _mcpd_date(day)
        plan.acquisition.quarantine_status = Acquisition.Quarantine.PENDING
        plan.acquisition.quarantine_notes = (
            "Awaiting grow-out inspection in the quarantine greenhouse"
        )
        plan.is_public = False

    # Accession numbers follow the order material arrived in.
    accessions.sort(key=lambda a: (_date_key(a.acquisition.date), a.crop, a.taxon.name))
    for sequence, plan in enumerate(accessions, start=1):
        plan.sequence = sequence

    for plan in accessions:
        crop = CROP_BY_NAME[plan.crop]
        year = int(plan.acquisition.date[:4])
        plan.storage_codes = "20" if crop.vegetative else rng.choice(("13", "13", "12;13"))
        if not crop.vegetative and year < 2020 and rng.random() < 0.35:
            if rng.random() < 0.4:
                plan.duplicate_site_codes = "LBN002;NOR051"
                plan.duplicate_site_names = "ICARDA;Svalbard Global Seed Vault"
            else:
                plan.duplicate_site_codes = "NOR051"
                plan.duplicate_site_names = "Svalbard Global Seed Vault"
        if plan.is_public and rng.random() < 0.015:
            plan.is_public = False
            plan.remarks = (plan.remarks + ". " if plan.remarks else "") + (
                "Withheld from the catalogue until the donor agreement is confirmed"
            )

    active = [
        a for a in accessions if a.acquisition.quarantine_status != Acquisition.Quarantine.PENDING
    ]
    for plan in rng.sample(active, max(1, round(count * 0.02))):
        year = int(plan.acquisition.date[:4])
        first = datetime.date(min(year + 3, LAST_DATE.year), 1, 1)
        plan.deaccession_date = _random_day(rng, first, datetime.date(min(year + 25, 2025), 12, 31))
        plan.deaccession_reason = rng.choice(DEACCESSION_REASONS)
    return DemoPlan(missions=missions, accessions=accessions)


def plan_digest(plan: DemoPlan, format_number: Callable[[int], str]) -> str:
    """A short fingerprint of what the plan loads: numbers, taxa, names, origins, dates, sites."""
    lines = []
    for a in plan.accessions:
        e = a.event
        lines.append(
            "|".join(
                str(v)
                for v in (
                    format_number(a.sequence),
                    a.taxon.name,
                    ";".join(a.names),
                    a.origin,
                    a.sample_status,
                    a.acquisition.date,
                    e.collector_number if e else "",
                    e.latitude_dms if e else "",
                    e.longitude_dms if e else "",
                )
            )
        )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
