"""meter2cash: metering data to trusted consumption to bills, with lineage back to the source record."""

__version__ = "0.1.0"
