"""Synthetic case records for the demo, the tests and the benchmarks (``pharos generate``)."""

from pharos.standards.generator.engine import (
    COLUMNS,
    TRUTH_COLUMNS,
    GenerationStats,
    GeneratorConfig,
    generate,
    truth_path_for,
)

__all__ = ["COLUMNS", "TRUTH_COLUMNS", "GenerationStats", "GeneratorConfig", "generate", "truth_path_for"]
