"""Pionir: plans the staged relocation of civil servants (ASN) from Jakarta to IKN."""

__version__ = "0.1.0"
