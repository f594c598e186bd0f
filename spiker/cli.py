"""Command line: ``spiker run MODEL`` simulates a canonical model and writes its figure;
``spiker validate MODEL --against brian2|nest`` runs it in spiker and in the reference simulator,
prints the comparison and a verdict against documented tolerances (``docs/crossval.md``).

Bad input gets one line on stderr and exit code 2, before any simulation; an interrupted run
writes what it recorded and exits 130.

Adding a subcommand: give its module a function ``add_parser(subparsers)`` that calls
``subparsers.add_parser(NAME, ...)``, adds its arguments (the types below check them) and sets
``func=handler``, a function ``handler(args) -> int`` (exit code) that raises
:class:`UsageError` for input it can only check after parsing; then add ``"module:function"``
to :data:`SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import math
import os
import sys
import textwrap
from pathlib import Path

#: Subcommands, as ``"module:function"`` with ``function(subparsers)`` adding one.
SUBCOMMANDS = [
    "spiker.cli:add_run_parser",
    "spiker.cli:add_validate_parser",
    "spiker.bench:add_parser",
    "spiker.sweep:add_parser",
]

#: ``spiker validate``'s tolerance per reference simulator: the largest relative difference of a
#: population's mean rate that still passes. Why each is what it is: docs/crossval.md.
TOLERANCES = {"brian2": 0.03, "nest": 0.10}

VALIDATE_DEFAULT_MS = 1000.0
_FIXED = ("seed", "duration")  # model parameters that have their own options


class UsageError(Exception):
    """A user's mistake found after parsing: reported as one line, exit code 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse with errors on one line that names the subcommand: ``spiker run: error: ...``."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


# ---- argument types (reusable by other subcommands) ---------------------------------------------
def positive_ms(text: str) -> float:
    """A duration in ms: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of ms; got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number of ms > 0; got {text!r}")
    return value


def seed(text: str) -> int:
    """A random seed: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0; got {text!r}")
    return value


def figure_path(text: str) -> Path:
    """An image path whose folder exists and is writable and whose format matplotlib writes;
    without a suffix, ``.png`` is added."""
    from matplotlib.backend_bases import FigureCanvasBase

    path = Path(text)
    if path.suffix == "":
        path = path.with_name(path.name + ".png")
    formats = FigureCanvasBase.get_supported_filetypes()
    if path.suffix[1:].lower() not in formats:
        raise argparse.ArgumentTypeError(
            f"unsupported image format {path.suffix!r} in {text!r}; use one of "
            + ", ".join("." + f for f in sorted(formats))
        )
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"folder {str(folder)!r} of {text!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"folder {str(folder)!r} of {text!r} is not writable")
    return path


def checkpoint_path(text: str) -> Path:
    """A file a checkpoint can be written to (its folder exists and is writable)."""
    from spiker.store import check_target

    try:
        return check_target("checkpoint", text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err).partition(": ")[2] or str(err)) from None


def existing_file(text: str) -> Path:
    """A file that exists."""
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no file {text!r}")
    return path


def new_folder(text: str) -> Path:
    """A folder that exists or can be made (its parent exists and is writable)."""
    path = Path(text)
    parent = path.absolute().parent
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file, not a folder")
    if not path.exists() and not (parent.is_dir() and os.access(parent, os.W_OK)):
        raise argparse.ArgumentTypeError(f"cannot make folder {text!r}: {str(parent)!r} is not a "
                                         "writable folder")  # fmt: skip
    return path


def name_value(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` as ``(name, value text)``."""
    key, eq, value = text.partition("=")
    if not (eq and key):
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE; got {text!r}")
    return key, value


def model_spec(text: str) -> tuple[str, dict]:
    """``NAME`` or ``NAME:VARIANT`` of a model in ``spiker.models.MODELS``: ``(name, kwargs)``."""
    from spiker.models import MODELS

    name, colon, variant = text.partition(":")
    if name not in MODELS:
        raise argparse.ArgumentTypeError(
            f"unknown model {name!r}; choose from: {', '.join(MODELS)}"
        )
    fn = MODELS[name]
    if not colon:
        return name, {}
    if fn.variant is None:
        raise argparse.ArgumentTypeError(f"model {name!r} has no variants; got {text!r}")
    return name, {fn.variant: _convert(fn, fn.variant, variant)}


# ---- model parameters ---------------------------------------------------------------------------
_SETTABLE = (bool, int, float, str)  # the types a parameter given as text can take


def parameter_type(p: inspect.Parameter) -> type | None:
    """The type a model parameter's value takes from text: its default's, or for a default of
    None the type its annotation names (``k: int | None = None``); None if it has none of
    ``bool``, ``int``, ``float``, ``str``."""
    if p.default is not None:
        return type(p.default) if type(p.default) in _SETTABLE else None
    names = str(p.annotation).replace(" ", "").split("|")
    return next((t for t in _SETTABLE if t.__name__ in names), None)


def model_parameters(fn) -> dict[str, inspect.Parameter]:
    """The parameters of a model function that ``--param NAME=VALUE`` (and ``spiker sweep
    --grid``) can set: all but seed and duration, of a type text can give
    (:func:`parameter_type`)."""
    params = inspect.signature(fn).parameters
    return {k: p for k, p in params.items() if k not in _FIXED and parameter_type(p) is not None}


def _convert(fn, name: str, text: str):
    """``text`` as the type of parameter ``name`` (:func:`parameter_type`), checked against its
    choices."""
    params = model_parameters(fn)
    if name not in params:
        allowed = ", ".join(params) or "none"
        raise argparse.ArgumentTypeError(
            f"model has no parameter {name!r}; its parameters: {allowed}"
        )
    kind = parameter_type(params[name])
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError
            value = text.lower() in ("true", "1")
        else:
            value = kind(text)
    except ValueError:
        what = {bool: "true or false", int: "an integer", float: "a number"}.get(kind, "text")
        raise argparse.ArgumentTypeError(f"{name} must be {what}; got {text!r}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{name} must be finite; got {text!r}")
    choices = fn.choices.get(name)
    if choices is not None and value not in choices:
        raise argparse.ArgumentTypeError(
            f"{name} must be one of: {', '.join(map(str, choices))}; got {text!r}"
        )
    return value


def _model_kwargs(name: str, variant_kwargs: dict, params: list | None) -> dict:
    from spiker.models import MODELS

    fn = MODELS[name]
    kwargs = dict(variant_kwargs)
    for key, text in params or []:
        try:
            kwargs[key] = _convert(fn, key, text)
        except argparse.ArgumentTypeError as err:
            raise UsageError(f"argument --param: {name}: {err}") from None
    return kwargs


def describe_parameters(name: str) -> str:
    """``spiker run NAME --help``'s lines on the model's parameters and variants."""
    from spiker.models import MODELS

    fn = MODELS[name]
    lines = [f"parameters of {name} (--param NAME=VALUE):"]
    params = model_parameters(fn)
    for key, p in params.items():
        choices = fn.choices.get(key)
        lines.append(f"  {key} = {p.default!r} ({parameter_type(p).__name__})")
        if choices is not None:
            lines += textwrap.wrap(
                "one of: " + ", ".join(map(str, choices)),
                width=96,
                initial_indent="      ",
                subsequent_indent="        ",
            )
    if not params:
        lines.append("  none (only --seed and --duration)")
    if fn.variant is not None:
        examples = fn.choices.get(fn.variant) or ["VALUE"]
        lines.append(f"{name}:VALUE sets {fn.variant}, e.g. {name}:{examples[-1]}")
    return "\n".join(lines)


def _build(name: str, kwargs: dict, seed_: int | None):
    """The model, or a UsageError if the parameters the user gave are refused."""
    from spiker.models import MODELS

    try:
        return MODELS[name](**kwargs, **({} if seed_ is None else {"seed": seed_}))
    except (ValueError, TypeError) as err:
        if not kwargs:
            raise
        given = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        raise UsageError(f"cannot build {name} with {given}: {err}") from None


# ---- spiker run ---------------------------------------------------------------------------------
def add_run_parser(subparsers) -> None:
    run = subparsers.add_parser(
        "run",
        help="run a canonical model and write its figure",
        description="Run a canonical model and write its figure (see --list).",
        epilog="A model's parameters: spiker run MODEL --help (or MODEL --list).",
        add_help=False,
    )
    run.add_argument(
        "-h",
        "--help",
        action=_HelpWithModel,
        help="show this help (after MODEL: with its parameters) and exit",
    )
    run.add_argument(
        "model",
        nargs="?",
        type=model_spec,
        metavar="MODEL[:VARIANT]",
        help="model name (see --list)",
    )
    run.add_argument(
        "--list", action="store_true", help="list the models (with MODEL: its parameters) and exit"
    )
    run.add_argument(
        "--duration", type=positive_ms, metavar="MS", help="ms to simulate (default: the model's)"
    )
    run.add_argument(
        "--seed", type=seed, metavar="N", help="random seed, >= 0 (default: the model's)"
    )
    run.add_argument(
        "--param",
        action="append",
        type=name_value,
        metavar="NAME=VALUE",
        help="set a model parameter (repeatable; see spiker run MODEL --help)",
    )
    run.add_argument(
        "--out",
        type=figure_path,
        metavar="PATH",
        help="figure path, .png, .pdf, .svg, ... (default: the model's name, e.g. "
        "izhikevich2003.png or izhikevich2004_phasic_spiking.png)",
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    long_runs = run.add_argument_group("long runs (docs/store.md)")
    long_runs.add_argument(
        "--checkpoint", type=checkpoint_path, metavar="PATH",
        help="keep a checkpoint of the run in PATH: at the start, every --checkpoint-every ms "
        "of model time, at the end (each written atomically)",
    )  # fmt: skip
    long_runs.add_argument(
        "--checkpoint-every", type=positive_ms, metavar="MS", help="interval of the checkpoints"
    )
    long_runs.add_argument(
        "--resume", type=existing_file, metavar="PATH",
        help="continue the run whose checkpoint is PATH to the end it was given (model, seed, "
        "parameters, duration, checkpoints and streams as it was started)",
    )  # fmt: skip
    long_runs.add_argument(
        "--stream", type=new_folder, metavar="DIR",
        help="write the model's spike and state records to folders in DIR during the run "
        "(memory stays flat)",
    )  # fmt: skip
    run.set_defaults(func=_run)


class _HelpWithModel(argparse.Action):
    """``-h``: the subcommand's help, then the parameters of the model given before it."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        parser.print_help()
        spec = getattr(namespace, "model", None)
        if spec is not None:
            print("\n" + describe_parameters(spec[0]))
        parser.exit()


def _list(name: str | None) -> int:
    from spiker.models import MODELS

    if name is not None:
        print(f"{name:<18} {MODELS[name].summary}")
        print(describe_parameters(name))
        return 0
    for key, fn in MODELS.items():
        print(f"{key:<18} {fn.summary}")
    return 0


def _resumed(args) -> tuple[str, dict, int, dict]:
    """``--resume PATH``: the model, its parameters and seed, and the run as the checkpoint
    holds them (``spiker run`` keeps them in ``net.meta["spiker run"]``)."""
    from spiker.store import read_info

    given = [f"--{k.replace('_', '-')}" for k in ("seed", "param", "duration", "checkpoint",
             "checkpoint_every", "stream") if getattr(args, k) is not None]  # fmt: skip
    if given:
        raise UsageError(
            f"argument --resume: the run goes on as it was started; {', '.join(given)} cannot "
            "be changed"
        )
    try:
        info = read_info(args.resume)
    except ValueError as err:
        raise UsageError(f"argument --resume: {err}") from None
    run = info.meta.get("spiker run")
    if not isinstance(run, dict) or info.end_step is None:
        raise UsageError(
            f"argument --resume: {str(args.resume)!r} was not written by 'spiker run "
            "--checkpoint' (resume it from Python: net.resume(path))"
        )
    if args.model is not None and args.model[0] != run["model"]:
        raise UsageError(
            f"argument --resume: {str(args.resume)!r} is a checkpoint of {run['model']!r}, "
            f"not of {args.model[0]!r}"
        )
    return run["model"], run["kwargs"], run["seed"], run


def _run(args) -> int:
    from spiker import _text

    name, variant_kwargs = args.model or (None, {})
    if args.list or (name is None and args.resume is None):
        return _list(name)
    if args.checkpoint_every is not None and args.checkpoint is None:
        raise UsageError("argument --checkpoint-every: give --checkpoint PATH too")
    if args.resume is not None:
        name, kwargs, seed_, started = _resumed(args)
    else:
        kwargs, seed_ = _model_kwargs(name, variant_kwargs, args.param), args.seed
        started = {"stream": None if args.stream is None else str(args.stream)}
    model = _build(name, kwargs, seed_)
    net = model.net
    out = args.out or Path(model.name.replace(":", "_") + ".png")
    duration = model.duration if args.duration is None else args.duration
    options = {}
    if started["stream"] is not None:
        _stream(model, Path(started["stream"]))
    if args.resume is not None:
        try:
            info = net.restore(args.resume)
        except ValueError as err:
            raise UsageError(f"argument --resume: {err}") from None
        duration = (info.end_step - net.step) * net.dt
        options = {"checkpoint": args.resume, "checkpoint_every": info.every_ms}
        print(f"resuming {model.name} at t = {_text.duration(net.t)} from {args.resume}")
    elif args.checkpoint is not None:
        net.meta["spiker run"] = {"model": name, "kwargs": kwargs, "seed": net.seed, **started}
        options = {"checkpoint": args.checkpoint, "checkpoint_every": args.checkpoint_every}
    interrupted = False
    try:
        print(
            f"running {model.name} for {_text.duration(duration)}, seed {model.net.seed}",
            flush=True,
        )
        model.run(duration, progress=False if args.no_progress else None, **options)
    except KeyboardInterrupt:
        interrupted = True
        print(
            f"interrupted at t = {_text.duration(model.net.t)}; writing what was recorded",
            file=sys.stderr,
        )
        if options:
            print(f"continue with: spiker run --resume {options['checkpoint']} (from its last "
                  "checkpoint)", file=sys.stderr)  # fmt: skip
    except (ValueError, MemoryError) as err:
        if model.net.step:  # the run had started: not a user's mistake
            raise
        raise UsageError(f"argument --duration: {err}") from None
    print(model.summary())
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = model.figure()
    fig.savefig(out, dpi=150)
    plt.close(fig)
    print(f"figure written to {out}")
    return 130 if interrupted else 0


def _stream(model, folder: Path) -> None:
    """Stream the model's spike and state records to ``folder/<record name>``."""
    from spiker.monitors import RateRecord

    folder.mkdir(exist_ok=True)
    for key, rec in model.records.items():
        if not isinstance(rec, RateRecord):
            rec.stream_to(folder / key)


# ---- spiker validate ----------------------------------------------------------------------------
def add_validate_parser(subparsers) -> None:
    val = subparsers.add_parser(
        "validate",
        help="run a model in spiker and in Brian2 or NEST; print the agreement and a verdict",
        description="Run a model in spiker and in Brian2 or NEST, print the agreement and a "
        "verdict against the tolerance of the reference: "
        + ", ".join(f"{k} {100 * v:g} %" for k, v in TOLERANCES.items())
        + " of any population's rate (docs/crossval.md). Exit code 1 outside it.",
    )
    val.add_argument(
        "model",
        type=model_spec,
        metavar="MODEL[:VARIANT]",
        help="model name (see spiker run --list)",
    )
    val.add_argument(
        "--against",
        choices=("brian2", "nest"),
        default="brian2",
        help="reference simulator (default: brian2)",
    )
    val.add_argument(
        "--duration",
        type=positive_ms,
        metavar="MS",
        help=f"ms to simulate (default: the model's, at most {VALIDATE_DEFAULT_MS:g})",
    )
    val.add_argument("--seed", type=seed, metavar="N", help="random seed (default: the model's)")
    val.add_argument(
        "--param",
        action="append",
        type=name_value,
        metavar="NAME=VALUE",
        help="set a model parameter (repeatable)",
    )
    val.add_argument(
        "--target",
        choices=("numpy", "cython", "cpp_standalone"),
        default="numpy",
        help="Brian2 code generation target (default: numpy)",
    )
    val.set_defaults(func=_validate)


def verdict(report, reference: str) -> tuple[bool, str]:
    """Whether ``report`` (a :class:`spiker.interop.Comparison`) is within the tolerance of
    ``reference`` (:data:`TOLERANCES`), and the line that says so."""
    tol = TOLERANCES[reference]
    if report.identical:
        return True, "verdict: PASS (identical spike trains)"
    worst = max(report.populations.values(), key=lambda p: abs(p.rate_difference))
    diff = abs(worst.rate_difference)
    within = diff <= tol
    return within, (
        f"verdict: {'PASS' if within else 'FAIL'} (largest rate difference "
        f"{100 * diff:.2f} % in {worst.name}; tolerance {100 * tol:g} % against {reference})"
    )


def _validate(args) -> int:
    name, variant_kwargs = args.model
    kwargs = _model_kwargs(name, variant_kwargs, args.param)
    model = _build(name, kwargs, args.seed)
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
            os.environ.setdefault("PYNEST_QUIET", "1")  # NEST's banner, printed at import
            from spiker.interop.nest import compare

            report = compare(model.net, duration)
    except (ImportError, ValueError) as err:
        raise UsageError(f"cannot validate {model.name} against {args.against}: {err}") from None
    print(f"model {model.name} (seed {model.net.seed}, dt = {model.net.dt:g} ms)")
    print(report)
    ok, line = verdict(report, args.against)
    print(line)
    return 0 if ok else 1


# ---- entry point --------------------------------------------------------------------------------
def build_parser() -> ArgumentParser:
    from spiker import __version__

    parser = ArgumentParser(prog="spiker", description="spiking networks, simulated")
    parser.add_argument("--version", action="version", version=f"spiker {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for entry in SUBCOMMANDS:
        module, _, function = entry.partition(":")
        getattr(importlib.import_module(module), function)(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error already reported
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return args.func(args)
    except UsageError as err:
        print(
            f"spiker {args.command}: error: {err} (see 'spiker {args.command} --help')",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print(f"spiker {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
