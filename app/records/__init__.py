"""The HSDS record's path from any source to the tables.

Normalising free text (normalise/), conforming a service dict to what the tables hold
(conform), stable IDs (ids), the dict as table rows (rows), and writing them (publish,
bulk_insert). Importers, the matcher, self-service and dedupe all come here, downward.
"""
