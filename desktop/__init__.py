"""Campus Return Console: administrator console and QR gate workstation."""

__version__ = "0.1.0"
