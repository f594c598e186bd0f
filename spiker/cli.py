"""Command line: ``spiker run MODEL`` simulates a canonical model and writes its raster;
``spiker validate MODEL --against brian2|nest`` runs it in spiker and in the reference simulator
and prints the comparison report (see ``docs/crossval.md``)."""

from __future__ import annotations

import argparse
import sys


def _run(args) -> int:
    from spiker.models import MODELS

    if args.list or args.model is None:
        for name, fn in MODELS.items():
            print(f"{name:<20} {(fn.__doc__ or '').strip().splitlines()[0]}")
        return 0
    if args.model not in MODELS:
        print(f"unknown model {args.model!r}; choose from: {', '.join(MODELS)}", file=sys.stderr)
        return 2
    kwargs = {} if args.seed is None else {"seed": args.seed}
    model = MODELS[args.model](**kwargs)
    duration = model.duration if args.duration is None else args.duration
    try:
        model.run(duration, progress=False if args.no_progress else None)
    except KeyboardInterrupt:
        print(f"interrupted at t = {model.net.t:g} ms; writing what was recorded", file=sys.stderr)
    print(model.summary())
    out = args.out or f"{args.model}.png"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from spiker.plot import raster

    ax = raster(model.spike_records())
    ax.set_title(f"{args.model}: {model.net.t:g} ms, seed {model.net.seed}")
    ax.figure.tight_layout()
    ax.figure.savefig(out, dpi=150)
    plt.close(ax.figure)
    print(f"raster written to {out}")
    return 0


VALIDATE_DEFAULT_MS = 1000.0


def _validate(args) -> int:
    from spiker.models import MODELS

    if args.model not in MODELS:
        print(f"unknown model {args.model!r}; choose from: {', '.join(MODELS)}", file=sys.stderr)
        return 2
    kwargs = {} if args.seed is None else {"seed": args.seed}
    model = MODELS[args.model](**kwargs)
    if args.duration is None:
        duration = min(model.duration, VALIDATE_DEFAULT_MS)
        duration = round(duration / model.net.dt) * model.net.dt
    else:
        duration = args.duration
    try:
        if args.against == "brian2":
            from spiker.interop.brian2 import compare

            report = compare(model.net, duration, target=args.target)
        else:
            from spiker.interop.nest import compare

            report = compare(model.net, duration)
    except (ImportError, ValueError) as err:
        print(f"cannot validate {args.model} against {args.against}: {err}", file=sys.stderr)
        return 2
    print(f"model {args.model} (seed {model.net.seed}, dt = {model.net.dt} ms)")
    print(report)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spiker", description="spiking networks, simulated")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a canonical model and write its raster plot")
    run.add_argument("model", nargs="?", help="model name (see --list)")
    run.add_argument("--list", action="store_true", help="list the models and exit")
    run.add_argument("--duration", type=float, help="ms to simulate (default: the model's)")
    run.add_argument("--seed", type=int, help="random seed (default: the model's)")
    run.add_argument("--out", help="raster image path (default: MODEL.png)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.set_defaults(func=_run)
    val = sub.add_parser(
        "validate", help="run a model in spiker and in Brian2 or NEST; print the agreement"
    )
    val.add_argument("model", help="model name (see spiker run --list)")
    val.add_argument("--against", choices=("brian2", "nest"), default="brian2",
                     help="reference simulator (default: brian2)")  # fmt: skip
    val.add_argument(
        "--duration",
        type=float,
        help=f"ms to simulate (default: the model's, at most {VALIDATE_DEFAULT_MS:g})",
    )
    val.add_argument("--seed", type=int, help="random seed (default: the model's)")
    val.add_argument("--target", choices=("numpy", "cython", "cpp_standalone"), default="numpy",
                     help="Brian2 code generation target (default: numpy)")  # fmt: skip
    val.set_defaults(func=_validate)
    from spiker.sweep import add_parser as add_sweep_parser

    add_sweep_parser(sub)  # spiker sweep MODEL --grid ...: spiker/sweep.py
    args = parser.parse_args(argv)
    if getattr(args, "duration", None) is not None and not args.duration > 0:
        parser.error(f"--duration must be > 0 ms; got {args.duration}")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
