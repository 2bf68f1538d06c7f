"""Interpretation: raw canonical events -> validated, versioned, curated consumption."""
