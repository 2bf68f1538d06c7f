"""UK half-hourly exports: Stark DF2 (``df2``) and the settlement-period CSV (``settlement_csv``).

Two formats, one module each, each exposing the registry's ``recognises`` and ``parse``: register
``meter2cash.ingest.ukhh.df2`` as "stark-df2" and ``meter2cash.ingest.ukhh.settlement_csv`` as
"uk-hh-csv". Both yield Europe/London channel-days of 30-minute values (46/48/50 per day).
"""

from meter2cash.ingest.ukhh import df2, settlement_csv

__all__ = ["df2", "settlement_csv"]
