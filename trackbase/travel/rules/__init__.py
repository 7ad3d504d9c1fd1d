"""Pure travel rules: presence per day, the Schengen 90/180 rule and the 183-day residency test.

Nothing here imports Django: every function takes plain values (dates, ISO codes, tuples) and is tested
directly, day by day, against independent brute-force counts.
"""
