"""Benchmarks for the portal: pages under load, PDFs, the deadline surge (see benchmarks/README.md)."""
