"""HuCares (wellness, issue 9) benchmarks: `python -m bench.wellness`."""
