"""Marshmallow schemas of the HSDS 3.0 objects, one module per object family.

The same schemas serialise API responses and dumps and (later) validate writes, so the
HSDS field names live in exactly one place beside the models.
"""
