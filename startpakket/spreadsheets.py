"""CSV and XLSX for the admin's import and export (django-import-export), with formulas escaped.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some,
a tab or carriage return) as a formula: an item named ``=HYPERLINK("http://…","klik")`` in an
export would become a link, ``+cmd|…`` a command. django-import-export's own escaping
(``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``) only drops a leading ``=`` and turns every cell
into text; here every such text cell is prefixed with an apostrophe, as OWASP advises, which
spreadsheets show as text, and numbers (also negative ones) stay numbers.
"""

import re

from import_export.formats import base_formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number such as -5 or -2.50 computes nothing; escaping it would spoil a round trip.
PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def escape_formula(value):
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


class FormulaEscaping:
    """Called by django-import-export on every export when
    ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is on (settings)."""

    def _escape_formulae(self, dataset):
        for _ in range(len(dataset)):
            dataset.append([escape_formula(cell) for cell in dataset.lpop()])


class CSV(FormulaEscaping, base_formats.CSV):
    pass


class XLSX(FormulaEscaping, base_formats.XLSX):
    pass
