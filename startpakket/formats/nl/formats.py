# Dutch: "30 november 2026"; in lists and tables "30 nov 2026", "30 nov 2026 14:02". The rest
# (what may be typed, separators) is Django's Dutch.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j b Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j b Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
