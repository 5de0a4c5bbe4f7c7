"""ITPGRFA Annex I food crops: which genera (and species) fall in the Multilateral System.

Transcribed from the Treaty's Annex I list of food crops. The forage list of Annex I is not yet
transcribed (UNCERTAIN in our reference); forage taxa are therefore reported as not Annex I and a
curator can still set MLSSTAT by hand.
"""

from __future__ import annotations

# genus -> crop name in Annex I
_GENERA: dict[str, str] = {
    "Artocarpus": "Breadfruit",
    "Asparagus": "Asparagus",
    "Avena": "Oat",
    "Beta": "Beet",
    "Cajanus": "Pigeon pea",
    "Cicer": "Chickpea",
    "Citrus": "Citrus",
    "Poncirus": "Citrus",
    "Fortunella": "Citrus",
    "Cocos": "Coconut",
    "Colocasia": "Major aroids",
    "Xanthosoma": "Major aroids",
    "Daucus": "Carrot",
    "Dioscorea": "Yams",
    "Eleusine": "Finger millet",
    "Fragaria": "Strawberry",
    "Helianthus": "Sunflower",
    "Hordeum": "Barley",
    "Ipomoea": "Sweet potato",
    "Lathyrus": "Grass pea",
    "Lens": "Lentil",
    "Malus": "Apple",
    "Manihot": "Cassava",
    "Musa": "Banana / plantain",
    "Oryza": "Rice",
    "Pennisetum": "Pearl millet",
    "Phaseolus": "Beans",
    "Pisum": "Pea",
    "Secale": "Rye",
    "Sorghum": "Sorghum",
    "Triticosecale": "Triticale",
    "×Triticosecale": "Triticale",
    "Triticum": "Wheat",
    "Agropyron": "Wheat",
    "Elymus": "Wheat",
    "Vicia": "Faba bean / vetch",
    "Vigna": "Cowpea et al.",
    "Zea": "Maize",
}
for _genus in (
    "Brassica Armoracia Barbarea Camelina Crambe Diplotaxis Eruca Isatis Lepidium "
    "Raphanobrassica Raphanus Rorippa Sinapis"
).split():
    _GENERA[_genus] = "Brassica complex"

# (genus, species) pairs the list names as exceptions
_EXCLUDED_SPECIES = {
    ("Lepidium", "meyenii"),
    ("Musa", "textilis"),
    ("Phaseolus", "polyanthus"),
    ("Solanum", "phureja"),
    ("Zea", "perennis"),
    ("Zea", "diploperennis"),
    ("Zea", "luxurians"),
}
# genera where only some species are in: genus -> species included
_ONLY_SPECIES = {
    "Artocarpus": {"altilis", "communis", "incisus"},  # breadfruit only
    "Manihot": {"esculenta"},
}
# Solanum: section Tuberosa (potatoes) and section Melongena (eggplant). Without a section in the
# passport data we recognise the cultivated species and their commonly conserved relatives.
_SOLANUM = {
    "tuberosum": "Potato",
    "stenotomum": "Potato",
    "andigenum": "Potato",
    "ajanhuiri": "Potato",
    "juzepczukii": "Potato",
    "curtilobum": "Potato",
    "chacoense": "Potato",
    "demissum": "Potato",
    "acaule": "Potato",
    "bulbocastanum": "Potato",
    "melongena": "Eggplant",
    "aethiopicum": "Eggplant",
    "macrocarpon": "Eggplant",
    "incanum": "Eggplant",
    "insanum": "Eggplant",
}


def annex1_crop(genus: str, species: str = "") -> str | None:
    """The Annex I food crop this taxon belongs to, or None when it is not listed."""
    genus = (genus or "").strip()
    species = (species or "").strip().lower()
    if genus == "Solanum":
        return _SOLANUM.get(species)
    crop = _GENERA.get(genus)
    if crop is None or (genus, species) in _EXCLUDED_SPECIES:
        return None
    only = _ONLY_SPECIES.get(genus)
    if only is not None and species not in only:
        return None
    return crop
