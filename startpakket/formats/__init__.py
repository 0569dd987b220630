"""How dates and times read in each language (settings.FORMAT_MODULE_PATH), on top of Django's
own formats: British English with a 24-hour clock, and Dutch with the month in words, so that a
date never reads as 11/30 or 2:02 p.m. Templates and code name these formats ("DATE_FORMAT",
"SHORT_DATE_FORMAT", …) instead of spelling one out, which would be right in one language only."""
