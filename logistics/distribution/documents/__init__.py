"""The warehouse's printed documents (DESIGN §5): the pick list, and each delivery method's
documents: delivery slips and the route sheet (at the door), pick-up notes (a pick-up point),
address labels (post).

``content`` says what is on them, as plain data taken from the database; ``pick_list``,
``delivery_slips``, ``route_sheet``, ``pickup_notes`` and ``labels`` draw that data with
reportlab and know nothing of models. So the drawing is tested and benchmarked without a
database, and what a document may show (no names on a pick list, no income on a slip, nothing of
the kit on a label) is decided in one place.
"""
