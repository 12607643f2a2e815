"""The domain layer: session in, model objects out. No Flask here.

API views, web pages and the CLI all call these functions, so a rule (what "active"
means, which contacts are public) is written once.
"""
