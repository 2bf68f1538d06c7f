"""Deterministic synthetic interval data: realistic load shapes with recorded, injected defects.

Owns: generating NEM12 and m2c-jsonl files, their defects and the manifest that is their ground
truth — each defect with the rule that must find it (see :func:`generate`,
:mod:`~meter2cash.synth.truth`). Does not own: parsing, validation or the CLI (``meter2cash
generate`` wraps :func:`generate`). Imports only the domain and the codec: the rule thresholds it
sizes defects against are copies, kept equal to ``interpret/vee/parameters.yaml`` by a test.
"""

from meter2cash.synth.defects import ADDED_DEFECT_KINDS, ALL_DEFECT_KINDS, DEFECT_KINDS, Defect
from meter2cash.synth.generate import CHANNELS, FORMATS, generate
from meter2cash.synth.ids import is_valid_mpan_core, mpan_check_digit
from meter2cash.synth.manifest import MANIFEST_NAME, GenerationResult
from meter2cash.synth.writer import GeneratedFile

__all__ = [
    "ADDED_DEFECT_KINDS",
    "ALL_DEFECT_KINDS",
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
