"""Word lists the benchmark generators share (bench scripts run with bench/ on sys.path)."""

ACTIVITIES = [
    "Walking group",
    "Knit and natter",
    "Men's shed",
    "Carers' café",
    "Debt advice",
    "Community garden",
    "Lunch club",
    "Dementia café",
    "Tai chi",
    "Singing group",
]
BOROUGHS = ["Camden", "Islington", "Hackney", "Lambeth", "Southwark", "Tower Hamlets"]
