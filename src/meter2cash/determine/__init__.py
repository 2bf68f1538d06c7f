"""Determinants: curated consumption -> billable quantities per supply point and period, with lineage."""
