"""The built-in social prescribing taxonomy: what a link worker filters by.

Three branches, each a top-level term with children:

- the Five Ways to Wellbeing (NEF): Give, Connect, Keep learning, Be active, Take notice;
- activity types (Connected, Creative, Supported, Active, Learning), each with example
  activities as child terms (walking groups, men's sheds, befriending, ...);
- needs (loneliness and isolation, debt, benefits, housing, ...).

Every term has a short stable code ("need:loneliness"), a description and keywords
(synonyms sources use), which `map_category` matches source categories against and the
text index adds to tagged services. IDs are uuid5s of the code, so they are the same in
every database and never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TAXONOMY_NAME = "Signpost social prescribing"
TAXONOMY_DESCRIPTION = (
    "Signpost's built-in taxonomy for social prescribing: the Five Ways to Wellbeing, "
    "activity types with examples, and the needs people are referred for."
)
TAXONOMY_VERSION = "1"


@dataclass(frozen=True)
class BuiltinTerm:
    code: str
    name: str
    description: str
    keywords: tuple[str, ...] = ()
    parent: str | None = None  # code of the parent term
    children: tuple[BuiltinTerm, ...] = field(default=(), repr=False)


def term(code: str, name: str, description: str, *keywords: str) -> BuiltinTerm:
    return BuiltinTerm(code, name, description, tuple(keywords))


def branch(top: BuiltinTerm, *children: BuiltinTerm) -> BuiltinTerm:
    return BuiltinTerm(
        top.code,
        top.name,
        top.description,
        top.keywords,
        children=tuple(
            BuiltinTerm(c.code, c.name, c.description, c.keywords, top.code, c.children)
            for c in children
        ),
    )


FIVE_WAYS = branch(
    term("five-ways", "Five Ways to Wellbeing", "The NEF's five evidence-based actions."),
    term("five-ways:give", "Give", "Doing something for others.", "volunteer", "helping"),
    term(
        "five-ways:connect",
        "Connect",
        "Connecting with the people around you.",
        "social",
        "meet people",
        "friendship",
    ),
    term(
        "five-ways:keep-learning",
        "Keep learning",
        "Trying something new or rediscovering an old interest.",
        "learn",
        "course",
        "class",
        "skills",
    ),
    term(
        "five-ways:be-active",
        "Be active",
        "Moving more, in a way you enjoy.",
        "exercise",
        "physical activity",
        "fitness",
        "sport",
        "keep fit",
        "movement",
    ),
    term(
        "five-ways:take-notice",
        "Take notice",
        "Being aware of the world around you and how you feel.",
        "mindfulness",
        "nature",
        "meditation",
    ),
)

ACTIVITIES = branch(
    term("activity", "Activity types", "What kind of activity a service offers."),
    branch(
        term(
            "activity:connected",
            "Connected",
            "Social groups for meeting people and making friends.",
            "social group",
            "social club",
            "community group",
            "coffee morning",
        ),
        term(
            "activity:knit-and-natter",
            "Knit and natter",
            "Knitting, crochet and chat groups.",
            "knitting",
            "crochet",
            "craft and chat",
            "stitch",
        ),
        term(
            "activity:mens-sheds",
            "Men's sheds",
            "Community workshops for making, mending and company.",
            "mens shed",
            "men's shed",
            "woodwork",
            "workshop",
        ),
        term(
            "activity:food-clubs",
            "Food clubs and lunch clubs",
            "Shared meals, lunch clubs, community cafés and cooking.",
            "lunch club",
            "food club",
            "community meal",
            "cooking",
            "community cafe",
        ),
        term(
            "activity:time-banks",
            "Time banks",
            "Trading time and skills with neighbours.",
            "timebank",
            "time bank",
            "skills exchange",
        ),
        term(
            "activity:volunteering",
            "Volunteering",
            "Giving time to a community project.",
            "volunteer",
            "volunteers",
            "volunteering opportunities",
        ),
    ),
    branch(
        term(
            "activity:creative",
            "Creative",
            "Making, music, performance and the arts.",
            "creative",
            "creativity",
        ),
        term(
            "activity:arts",
            "Arts",
            "Art, craft, drawing, painting, writing and drama groups.",
            "art",
            "arts and crafts",
            "craft",
            "painting",
            "drawing",
            "drama",
            "creative writing",
            "pottery",
        ),
        term(
            "activity:singing",
            "Singing",
            "Choirs and singing groups.",
            "choir",
            "singing for the brain",
            "music",
        ),
        term("activity:dance", "Dance", "Dance classes and tea dances.", "dancing", "tea dance"),
    ),
    branch(
        term(
            "activity:supported",
            "Supported",
            "Activities with support for people who need it.",
            "support group",
            "supported",
        ),
        term(
            "activity:peer-support",
            "Peer support",
            "Groups run by and for people with shared experience.",
            "peer support group",
            "self help group",
            "support group",
        ),
        term(
            "activity:befriending",
            "Befriending",
            "Regular visits or calls from a volunteer befriender.",
            "befriender",
            "befriending service",
            "telephone friendship",
            "social contact",
            "visiting",
        ),
        term(
            "activity:dementia-cafes",
            "Dementia cafés",
            "Cafés and groups for people living with dementia and their carers.",
            "dementia",
            "memory cafe",
            "alzheimer",
        ),
    ),
    branch(
        term(
            "activity:active",
            "Active",
            "Physical activity at every level.",
            "exercise",
            "physical activity",
            "fitness",
            "sport",
            "keep fit",
        ),
        term(
            "activity:walking-groups",
            "Walking groups",
            "Led walks and health walks.",
            "walk",
            "walks",
            "health walk",
            "walking",
            "rambling",
        ),
        term(
            "activity:gardening",
            "Gardening and green activity",
            "Community gardens, allotments and conservation volunteering.",
            "gardening",
            "garden",
            "allotment",
            "green gym",
            "conservation",
            "growing",
            "nature",
        ),
        term(
            "activity:tai-chi",
            "Tai chi",
            "Tai chi and qigong classes.",
            "tai chi",
            "qigong",
            "chair based exercise",
        ),
    ),
    branch(
        term(
            "activity:learning",
            "Learning",
            "Classes and courses for adults.",
            "learning",
            "education",
            "course",
        ),
        term(
            "activity:adult-learning",
            "Adult learning",
            "Adult education classes, English (ESOL) and skills courses.",
            "adult education",
            "esol",
            "english classes",
            "classes",
            "courses",
        ),
        term(
            "activity:digital-skills",
            "Digital skills",
            "Help using computers, phones, tablets and the internet.",
            "digital",
            "computer",
            "internet",
            "online skills",
            "it skills",
            "tablet",
        ),
    ),
)

NEEDS = branch(
    term("need", "Needs", "What a person is looking for help with."),
    term(
        "need:loneliness",
        "Loneliness and isolation",
        "Feeling lonely or cut off from other people.",
        "loneliness",
        "lonely",
        "isolation",
        "isolated",
        "social isolation",
        "social contact",
    ),
    term(
        "need:debt",
        "Debt",
        "Debt and money advice.",
        "money advice",
        "debt advice",
        "money",
        "financial",
        "finance",
        "budgeting",
    ),
    term(
        "need:benefits",
        "Benefits",
        "Help claiming benefits and grants.",
        "welfare benefits",
        "welfare rights",
        "universal credit",
        "benefits advice",
        "pip",
    ),
    term(
        "need:housing",
        "Housing",
        "Housing advice and homelessness.",
        "homelessness",
        "homeless",
        "tenancy",
        "rent",
    ),
    term(
        "need:employment",
        "Employment",
        "Finding work, training and volunteering into work.",
        "employment support",
        "jobs",
        "job search",
        "careers",
    ),
    term(
        "need:legal-advice",
        "Legal advice",
        "Free legal advice and advocacy.",
        "legal",
        "law centre",
        "advocacy",
        "immigration advice",
    ),
    term(
        "need:domestic-abuse",
        "Domestic abuse",
        "Support for people experiencing domestic abuse.",
        "domestic violence",
        "abuse",
        "violence against women",
    ),
    term(
        "need:carers",
        "Carers",
        "Support for unpaid carers.",
        "carer",
        "caring",
        "young carers",
        "carers support",
    ),
    term(
        "need:bereavement",
        "Bereavement",
        "Support after someone has died.",
        "grief",
        "bereaved",
    ),
    term(
        "need:mental-wellbeing",
        "Mental wellbeing",
        "Mental health and emotional wellbeing.",
        "mental health",
        "wellbeing",
        "well-being",
        "anxiety",
        "depression",
        "stress",
    ),
    term(
        "need:long-term-conditions",
        "Long-term conditions",
        "Living with a long-term health condition.",
        "long term condition",
        "chronic",
        "diabetes",
        "arthritis",
        "stroke",
        "cancer support",
        "health condition",
    ),
    term(
        "need:falls-prevention",
        "Falls prevention",
        "Strength and balance to prevent falls.",
        "falls",
        "strength and balance",
        "balance",
    ),
    term(
        "need:children-and-young-people",
        "Children and young people",
        "Services for children and young people.",
        "children",
        "young people",
        "youth",
        "teenagers",
        "kids",
    ),
    term(
        "need:parents",
        "Parents",
        "Support for parents and families.",
        "parenting",
        "families",
        "family support",
        "new parents",
    ),
)

BRANCHES = (FIVE_WAYS, ACTIVITIES, NEEDS)


def all_terms() -> list[BuiltinTerm]:
    """Every built-in term, parents before their children."""
    terms: list[BuiltinTerm] = []

    def walk(node: BuiltinTerm) -> None:
        terms.append(node)
        for child in node.children:
            walk(child)

    for top in BRANCHES:
        walk(top)
    return terms
