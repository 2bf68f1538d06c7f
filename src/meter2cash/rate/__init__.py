"""Rating: determinants x tariff -> bills with lines, exact money, one rounding rule per line."""
