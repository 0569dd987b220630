"""Pages of a long list without counting it: a ledger of a million rows should not be counted on
every view just to print "page 3 of 700". One row more than the page tells whether there is a
next page."""

from dataclasses import dataclass

MAX_PAGE = 1_000_000


@dataclass
class Page:
    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.rows)


def page_of(queryset, number, size: int) -> Page:
    """Page ``number`` (1-based; anything else counts as 1) of an ordered queryset."""
    try:
        # Capped, so that a made-up page number cannot overflow the database's OFFSET.
        number = min(max(1, int(number)), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start:start + size + 1])
    return Page(rows[:size], number, len(rows) > size)
