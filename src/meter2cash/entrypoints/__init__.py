"""Entrypoints: the only place that reads settings, calls the clock, and catches broad errors."""
