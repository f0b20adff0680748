"""Run the benchmarks and print one `name: value` line per figure: `python -m bench.run [BENCHMARK...]`.

Each benchmark is a module of this package with a `run()` that yields (name, value) pairs; BENCHMARKS
maps the name given on the command line to that module, so a new benchmark is one module and one row.
"""
import argparse
import importlib
import sys

BENCHMARKS = {
    "csv_export": "bench.csv_export",
    "extract_local": "bench.extract_local",
    "course_moves": "bench.course_moves",
    "runtime_requests": "bench.runtime_requests",
    "extract_s3": "bench.extract_s3",
    "proxy": "bench.proxy",
    "content_view": "bench.content_view",
    "upload_proxy": "bench.upload_proxy",
}


def format_value(value):
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def run(names):
    for name in names:
        module = importlib.import_module(BENCHMARKS[name])
        for figure, value in module.run():
            print(f"{figure}: {format_value(value)}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("benchmarks", nargs="*", metavar="BENCHMARK",
                        help=f"any of {', '.join(BENCHMARKS)} (all when none is given)")
    names = parser.parse_args(argv).benchmarks or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    run(names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
