"""The warehouse's printed documents (DESIGN §5): the pick list and the delivery slips.

``content`` says what is on them, as plain data taken from the database; ``pick_list`` and
``delivery_slips`` draw that data with reportlab and know nothing of models. So the drawing is
tested and benchmarked without a database, and what a document may show (no names on a pick
list, no income on a slip) is decided in one place.
"""
