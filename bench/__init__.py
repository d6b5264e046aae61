"""The benchmark: a deterministic generator of a province (`flask seed-bench`), scenarios and report."""
