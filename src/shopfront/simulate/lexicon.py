"""The words of the simulated shop: its category tree, product nouns and brand syllables.

Every sub-category names the nouns its products are called by, the variants and
sizes that tell two products apart in a title, the median price around which
its prices scatter (log-normally), and, for consumables, the number of days
after which a shopper buys the same product again. Durables have no interval.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SubCategorySpec:
    """One leaf of the category tree and how its products look.

    Attributes:
        top: Name of the top-level category ("Beauty").
        name: Name of the sub-category ("Lipstick").
        nouns: What its products are called ("Lip Gloss").
        variants: Colours, flavours or materials that tell products apart.
        sizes: Pack sizes or dimensions; empty where products have none.
        median_price: Median price of the sub-category, in the shop's currency.
        price_sigma: Standard deviation of the log price around the median.
        repurchase_days: Days after which a consumable is bought again; ``None``
            for durables.
    """

    top: str
    name: str
    nouns: tuple[str, ...]
    variants: tuple[str, ...]
    sizes: tuple[str, ...]
    median_price: float
    price_sigma: float
    repurchase_days: int | None

    @property
    def path(self) -> str:
        """The catalog path, such as ``"Beauty > Lipstick"``."""
        return f"{self.top} > {self.name}"

    @property
    def is_consumable(self) -> bool:
        """Whether shoppers buy the same product again after an interval."""
        return self.repurchase_days is not None


# Adjectives that open a product title, per top-level category (in tree order).
TOP_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "Beauty": ("Matte", "Hydrating", "Velvet", "Radiant", "Silky", "Long-Lasting", "Nourishing"),
    "Home": ("Modern", "Rustic", "Compact", "Premium", "Nordic", "Essential"),
    "Electronics": ("Wireless", "Smart", "Portable", "Pro", "Ultra", "Compact"),
    "Fashion": ("Slim", "Oversized", "Classic", "Vintage", "Casual", "Organic"),
    "Grocery": ("Organic", "Fair-Trade", "Italian", "Artisan", "Roasted", "Classic"),
    "Sports": ("Lightweight", "Performance", "Grip", "Eco", "Pro", "Classic"),
    "Toys": ("Creative", "Classic", "Junior", "Deluxe", "Wooden", "Colourful"),
    "Pets": ("Natural", "Grain-Free", "Premium", "Cozy", "Durable"),
}

# One block a sub-category: "Top > Sub | median price | log-price sigma | repurchase days"
# ("-" for durables), then its nouns, variants and sizes ("-" for none), comma-separated.
_TREE_TEXT = """
Beauty > Lipstick | 16 | 0.45 | 45
    Lipstick, Lip Tint, Lip Gloss
    Rose, Coral, Nude, Berry, Ruby, Mauve
    3.5 g, 4 g

Beauty > Mascara | 19 | 0.4 | 60
    Mascara, Lash Primer
    Black, Brown, Navy
    8 ml, 10 ml

Beauty > Skin Care | 28 | 0.5 | 40
    Face Cream, Serum, Cleanser, Toner
    Rose, Aloe, Vitamin C, Green Tea
    30 ml, 50 ml, 100 ml

Beauty > Hair Care | 11 | 0.4 | 28
    Shampoo, Conditioner, Hair Mask
    Argan, Coconut, Mint, Honey
    250 ml, 400 ml

Beauty > Fragrance | 55 | 0.55 | -
    Eau de Parfum, Eau de Toilette, Body Mist
    Amber, Citrus, Jasmine, Oud, Vanilla
    30 ml, 50 ml, 100 ml

Beauty > Nails | 8 | 0.4 | -
    Nail Polish, Top Coat, Nail File
    Crimson, Pearl, Lilac, Midnight
    10 ml, 15 ml

Home > Kitchen | 35 | 0.5 | -
    Frying Pan, Chef Knife, Cutting Board, Saucepan, Mixing Bowl
    Steel, Cast Iron, Bamboo, Ceramic
    20 cm, 24 cm, 28 cm

Home > Bedding | 45 | 0.45 | -
    Duvet Cover, Pillow, Fitted Sheet, Throw Blanket
    White, Sage, Charcoal, Sand
    Single, Double, King

Home > Lighting | 40 | 0.6 | -
    Table Lamp, Floor Lamp, LED Bulb, String Lights
    Brass, Matte Black, White, Oak
    -

Home > Storage | 22 | 0.4 | -
    Storage Box, Shelf Organizer, Laundry Basket
    Grey, Natural, White
    Small, Medium, Large

Home > Cleaning | 7 | 0.35 | 21
    Dish Soap, Laundry Detergent, Sponges, Surface Spray
    Lemon, Lavender, Fresh, Unscented
    500 ml, 1 l, 2 l

Electronics > Headphones | 80 | 0.7 | -
    Headphones, Earbuds, Headset
    Black, White, Blue, Silver
    -

Electronics > Phone Accessories | 15 | 0.45 | -
    Phone Case, Screen Protector, Phone Stand
    Clear, Black, Red, Green
    6.1 in, 6.7 in

Electronics > Chargers | 25 | 0.5 | -
    USB-C Charger, Power Bank, Charging Cable
    Black, White
    1 m, 2 m, 20 W, 65 W

Electronics > Speakers | 90 | 0.6 | -
    Bluetooth Speaker, Soundbar, Smart Speaker
    Black, Grey, Blue
    -

Electronics > Batteries | 9 | 0.35 | 35
    AA Batteries, AAA Batteries, Coin Cells
    Alkaline, Lithium, Rechargeable
    4 pack, 8 pack, 16 pack

Electronics > Wearables | 150 | 0.6 | -
    Smart Watch, Fitness Band
    Black, Rose Gold, Silver
    40 mm, 44 mm

Fashion > T-Shirts | 20 | 0.45 | -
    T-Shirt, Polo Shirt, Tank Top
    White, Black, Navy, Olive
    S, M, L, XL

Fashion > Sneakers | 75 | 0.45 | -
    Sneakers, Running Shoes, Slip-Ons
    White, Black, Grey
    EU 38, EU 40, EU 42, EU 44

Fashion > Jackets | 95 | 0.5 | -
    Rain Jacket, Denim Jacket, Puffer Jacket
    Black, Khaki, Navy
    S, M, L, XL

Fashion > Bags | 55 | 0.55 | -
    Tote Bag, Backpack, Crossbody Bag
    Tan, Black, Burgundy
    -

Fashion > Socks | 10 | 0.35 | 50
    Crew Socks, Ankle Socks
    Black, White, Striped
    3 pack, 5 pack

Grocery > Coffee | 12 | 0.4 | 14
    Coffee Beans, Ground Coffee, Coffee Pods
    Dark Roast, Medium Roast, Decaf
    250 g, 500 g, 1 kg

Grocery > Tea | 6 | 0.35 | 21
    Green Tea, Black Tea, Herbal Tea
    Mint, Earl Grey, Chamomile, Jasmine
    20 bags, 50 bags

Grocery > Snacks | 4 | 0.35 | 10
    Granola Bars, Almonds, Crackers, Dark Chocolate
    Sea Salt, Honey, Cocoa
    150 g, 300 g

Grocery > Pasta | 3 | 0.3 | 14
    Spaghetti, Penne, Fusilli
    Durum Wheat, Whole Wheat, Gluten-Free
    500 g, 1 kg

Grocery > Pantry | 10 | 0.4 | 30
    Olive Oil, Balsamic Vinegar, Honey
    Extra Virgin, Classic, Wildflower
    250 ml, 500 ml, 750 ml

Sports > Yoga | 30 | 0.45 | -
    Yoga Mat, Yoga Block, Yoga Strap
    Purple, Teal, Black
    4 mm, 6 mm

Sports > Fitness | 45 | 0.5 | -
    Dumbbell Set, Kettlebell, Resistance Bands
    Black, Red
    5 kg, 10 kg, 20 kg

Sports > Nutrition | 28 | 0.4 | 30
    Protein Powder, Energy Gel, Electrolyte Tabs
    Vanilla, Chocolate, Berry
    500 g, 1 kg

Sports > Cycling | 35 | 0.5 | -
    Bike Helmet, Bike Light, Water Bottle
    Black, White, Orange
    -

Sports > Outdoor | 110 | 0.6 | -
    Tent, Sleeping Bag, Hiking Poles
    Green, Orange, Grey
    1 person, 2 person

Toys > Puzzles | 18 | 0.4 | -
    Jigsaw Puzzle, 3D Puzzle
    Landscape, Animals, Space
    500 pieces, 1000 pieces

Toys > Building Sets | 40 | 0.55 | -
    Building Blocks, Construction Set, Marble Run
    Starter, City, Space
    -

Toys > Plush | 20 | 0.4 | -
    Teddy Bear, Plush Bunny, Plush Dragon
    Brown, Pink, Blue
    25 cm, 40 cm

Toys > Board Games | 30 | 0.45 | -
    Board Game, Card Game, Strategy Game
    Family Edition, Travel Edition
    -

Pets > Dog Food | 30 | 0.45 | 28
    Dry Dog Food, Wet Dog Food, Dog Treats
    Chicken, Salmon, Lamb
    2 kg, 6 kg, 12 kg

Pets > Cat Care | 18 | 0.4 | 21
    Cat Litter, Cat Food, Cat Treats
    Clumping, Tuna, Chicken
    5 kg, 10 l

Pets > Pet Toys | 12 | 0.45 | -
    Chew Toy, Ball Launcher, Feather Wand
    Red, Blue, Green
    -

Pets > Pet Beds | 45 | 0.5 | -
    Pet Bed, Pet Blanket, Cat Tree
    Grey, Beige
    Small, Medium, Large
"""

# Brand names are a prefix and a suffix syllable: 36 × 16 = 576 distinct names.
BRAND_PREFIXES: tuple[str, ...] = (
    "Lumi", "Nor", "Vel", "Aur", "Zen", "Kai", "Mira", "Sol", "Tera", "Nova", "Opal", "Bri",
    "Cal", "Del", "Eco", "Fen", "Gala", "Hal", "Iri", "Jun", "Kor", "Lin", "Mar", "Nim",
    "Oro", "Pax", "Quin", "Ros", "Sil", "Tav", "Uma", "Ver", "Wyn", "Xen", "Yar", "Zel",
)  # fmt: skip
BRAND_SUFFIXES: tuple[str, ...] = (
    "ora", "ex", "ia", "ton", "ly", "io", "ara", "um", "ique", "wood", "line", "ford", "nest",
    "craft", "leaf", "stone",
)  # fmt: skip
MAX_BRANDS = len(BRAND_PREFIXES) * len(BRAND_SUFFIXES)


def _words(line: str) -> tuple[str, ...]:
    """The comma-separated words of one line, or none for ``"-"``."""
    line = line.strip()
    return () if line == "-" else tuple(word.strip() for word in line.split(","))


def _parse_block(block: str) -> SubCategorySpec:
    """One sub-category from its four-line block of ``_TREE_TEXT``."""
    head, nouns, variants, sizes = block.strip().splitlines()
    path, price, sigma, days = (part.strip() for part in head.split("|"))
    top, name = (part.strip() for part in path.split(">"))
    return SubCategorySpec(
        top=top,
        name=name,
        nouns=_words(nouns),
        variants=_words(variants),
        sizes=_words(sizes),
        median_price=float(price),
        price_sigma=float(sigma),
        repurchase_days=None if days == "-" else int(days),
    )


SUB_CATEGORIES: tuple[SubCategorySpec, ...] = tuple(
    _parse_block(block) for block in _TREE_TEXT.strip().split("\n\n")
)
TOP_CATEGORIES: tuple[str, ...] = tuple(TOP_ADJECTIVES)
