"""Deterministic synthetic interval data: realistic load shapes with recorded, injected defects.

Owns: generating NEM12 and m2c-jsonl files, their defects and ``manifest.json`` (see
:func:`generate`). Does not own: parsing, validation or the CLI (``meter2cash generate`` wraps
:func:`generate`). Imports only the domain and the codec.
"""

from meter2cash.synth.defects import DEFECT_KINDS, Defect
from meter2cash.synth.generate import CHANNELS, FORMATS, generate
from meter2cash.synth.ids import is_valid_mpan_core, mpan_check_digit
from meter2cash.synth.manifest import MANIFEST_NAME, GenerationResult
from meter2cash.synth.writer import GeneratedFile

__all__ = [
    "CHANNELS",
    "DEFECT_KINDS",
    "FORMATS",
    "MANIFEST_NAME",
    "Defect",
    "GeneratedFile",
    "GenerationResult",
    "generate",
    "is_valid_mpan_core",
    "mpan_check_digit",
]
