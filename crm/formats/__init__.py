"""Dates both languages read the one way: the day, the month in letters, the year (10 mei 2026, 10 May 2026), and
a 24-hour clock. Numeric dates are ambiguous between Dutch (day first) and American (month first) readers."""
