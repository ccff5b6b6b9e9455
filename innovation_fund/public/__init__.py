"""The fund's public face: rounds, finalists, awards, totals, open data, calendars.

Read-only. It reads awards (the public record), never proposals' private
fields; the one exception is a round's named finalists, whose title and cities
it shows once the decisions are released.
"""
