"""``meter2cash``: run the chain, ingest files, and query what is stored.

Bad user input (a missing file, an unknown supply point, a broken tariff file) ends with one clear line
on stderr and exit code 2 — never a traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from meter2cash.bootstrap import App, bootstrap
from meter2cash.config import Settings
from meter2cash.domain.errors import Meter2CashError, NotFoundError
from meter2cash.domain.validation import IssueStatus
from meter2cash.entrypoints.cli.reference_render import (
    reference_row,
    render_configuration,
    render_load,
)
from meter2cash.entrypoints.cli.render import emit_json, render_run, render_status, status_json
from meter2cash.service import queries
from meter2cash.service.formats import configured_parser
from meter2cash.service.pipeline import RunReport, load_reference_data, process_pending, run_chain
from meter2cash.service.reference import ReferenceLoadReport
from meter2cash.service.reference_queries import configuration, load_report_json
from meter2cash.service.status import read_status

cli = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="meter2cash: metering data in, trusted consumption and bills out.",
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def fail(message: str) -> None:
    typer.echo(f"meter2cash: error: {message}", err=True)
    raise typer.Exit(code=2)


@contextmanager
def application() -> Iterator[App]:
    try:
        settings = Settings()
        app = bootstrap(settings)
    except Meter2CashError as exc:
        fail(str(exc))
    except Exception as exc:  # connection refused, bad URL...: one line, not a traceback
        fail(f"cannot open the store: {type(exc).__name__}: {exc}")
    try:
        yield app
    except Meter2CashError as exc:
        fail(str(exc))
    finally:
        app.close()


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} must be a date like 2024-01-31, got {text!r}")
        raise  # unreachable: fail() exits


def _print(lines: list[str]) -> None:
    typer.echo("\n".join(lines))


MappingOption = Annotated[
    Path | None, typer.Option("--mapping", help="Column mapping file for --format csv.")
]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", help="KEY=VALUE of a CSV mapping (dotted keys; overrides --mapping)."),
]
FormatOption = Annotated[
    str, typer.Option("--format", help="auto (detect per file) or a format name: see `formats`.")
]


def _process(
    app: App,
    paths: list[Path],
    fmt: str,
    as_json: bool,
    title: str,
    mapping: Path | None = None,
    overrides: list[str] | None = None,
    reprocess: bool = False,
    reference: tuple[ReferenceLoadReport | None, Path] | None = None,
) -> None:
    """``reference``: what ``run`` loaded from its reference directory (``None``: not asked)."""
    parser = configured_parser(fmt, mapping, overrides or ())
    received_at = datetime.now(UTC)
    report = run_chain(
        paths, app.uow_factory, app.archive, app.tariffs, received_at, fmt, parser, reprocess
    )
    status = read_status(app.uow_factory)
    if as_json:
        emit_json(
            {
                "files": [
                    {
                        "name": f.name,
                        "file_id": f.file_id,
                        "format": f.format,
                        "status": f.status,
                        "records": f.records,
                        "rejected": f.rejected,
                        "duplicates": f.duplicates,
                        "rejections": [
                            {
                                "line": r.source.line,
                                "segment": r.source.segment,
                                "reason": r.reason_code,
                                "message": r.message,
                            }
                            for r in f.rejections
                        ],
                    }
                    for f in report.files
                ],
                "curated": report.curated,
                "months_recomputed": report.months_recomputed,
                "bills_issued": report.bills_issued,
                "unrated": report.unrated,
                "new_work": report.did_work,
                "reference": _reference_json(reference),
                "status": status_json(status, app.settings),
            }
        )
        return
    summary = render_run(report)
    if reference is not None:  # under the "This run" heading
        summary[1:1] = reference_row(*reference)
    _print([title, "", *summary, "", *render_status(status, app.settings)])


def _reference_json(reference: tuple[ReferenceLoadReport | None, Path] | None) -> Any:
    if reference is None:
        return None
    report, directory = reference
    if report is None:
        return {"directory": str(directory), "found": False}
    return {"directory": str(directory), "found": True, **load_report_json(report)}


@cli.command()
def run(
    input_dir: Annotated[
        Path | None,
        typer.Option(
            "--input", help="Directory of input files (default: M2C_INPUT_DIR or examples/demo)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Ingest every file in the input directory and run the whole chain to bills."""
    with application() as app:
        directory = input_dir or app.settings.input_dir
        if not directory.is_dir():
            fail(f"input directory {directory} not found (set M2C_INPUT_DIR or pass --input)")
        # Reference data first, so interpretation sees it; loading it again changes nothing.
        reference_dir = app.settings.reference_dir
        loaded = None
        if reference_dir.is_dir():
            loaded, _again = load_reference_data(
                [reference_dir], app.uow_factory, datetime.now(UTC)
            )
        _process(
            app, [directory], "auto", as_json, f"meter2cash run over {directory}",
            reference=(loaded, reference_dir),
        )  # fmt: skip


@cli.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to ingest.")],
    fmt: FormatOption = "auto",
    mapping: MappingOption = None,
    map_: MapOption = None,
    reprocess: Annotated[
        bool,
        typer.Option(
            "--reprocess",
            help="Parse files again even if already ingested (e.g. first read with the wrong "
            "--format or mapping); events already logged are absorbed, never doubled.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Ingest files (any supported format, zipped or not) and process them through the chain."""
    with application() as app:
        _process(app, paths, fmt, as_json, "meter2cash ingest", mapping, map_, reprocess)


reference_cli = typer.Typer(no_args_is_help=True, help="Reference data: supply points and meters.")
cli.add_typer(reference_cli, name="reference")


@reference_cli.command("load")
def reference_load(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Reference files (YAML, CSV) or directories of them (an mdd/ folder "
            "in one is read as GB Market Domain Data)."
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Store reference data; loading the same knowledge again is a no-op. Exit 1 if a file failed.

    The stored days a change touches are judged again under the corrected configuration (new
    findings stored, findings that no longer hold closed as superseded), then bills follow."""
    with application() as app:
        report, again = load_reference_data(paths, app.uow_factory, datetime.now(UTC))
        pending = process_pending(app.uow_factory, app.tariffs, RunReport())
    summary = {
        "channel_days": again.channel_days,
        "register_reads": again.register_reads,
        "new_issues": again.new_issues,
        "superseded_issues": again.superseded_issues,
        "billability_changed": again.billability_changed,
        "bills_issued": pending.bills_issued,
    }
    if as_json:
        emit_json({**load_report_json(report), "reinterpreted": summary})
    else:
        _print(
            [
                *render_load(report),
                "reinterpreted: "
                + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items()),
            ]
        )
    if report.failed:
        raise typer.Exit(code=1)


def _instant(text: str, option: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        fail(
            f"{option} must be an instant with a UTC offset, like 2024-11-01T00:00:00Z; got {text!r}"
        )
        raise AssertionError("unreachable: fail() exits")
    return instant


@cli.command("config")
def config_(
    supply_point: Annotated[str, typer.Argument(help="Supply point id (NMI, MPAN core, ...).")],
    as_known_at: Annotated[
        str | None,
        typer.Option("--as-known-at", help="The version known at this instant (ISO, with offset)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """A supply point's configuration timeline: attributes, meters, registers, channels, version."""
    known_at = _instant(as_known_at, "--as-known-at") if as_known_at else None
    _query(
        as_json,
        lambda app: configuration(app.uow_factory, supply_point, known_at),
        render_configuration,
    )


@cli.command()
def formats() -> None:
    """The input formats this build reads (auto-detected unless noted)."""
    from meter2cash.ingest import FORMATS, format_names

    available = set(format_names())
    for fmt in FORMATS:
        note = "" if fmt.auto else " (never auto-detected; needs --mapping)"
        state = "" if fmt.name in available else " [not available in this build]"
        typer.echo(f"{fmt.name:<12} {fmt.title}{note}{state}")


@cli.command()
def convert(
    files: Annotated[list[Path], typer.Argument(help="Files to convert (zips too).")],
    fmt: FormatOption = "auto",
    to: Annotated[str, typer.Option("--to", help="jsonl, csv or parquet.")] = "jsonl",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: stdout).")
    ] = None,
    mapping: MappingOption = None,
    map_: MapOption = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 when any record was rejected.")] = False,
) -> None:
    """Convert market files into canonical interval and register records (UTC, exact values)."""
    from meter2cash.service.convert import convert as run_convert

    try:
        parser = configured_parser(fmt, mapping, map_ or ())
        if out is None or to == "parquet":
            report = run_convert(files, out or sys.stdout, to, fmt, parser)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                report = run_convert(files, handle, to, fmt, parser)
    except Meter2CashError as exc:
        fail(str(exc))
    except OSError as exc:  # --out in a missing directory, a full disk, ...
        fail(f"cannot write {out}: {exc.strerror or exc}")
    for rejection in report.rejections:
        typer.echo(f"rejected: {rejection}", err=True)
    typer.echo(f"{report.records} records, {len(report.rejections)} rejected", err=True)
    if strict and report.rejections:
        raise typer.Exit(code=1)


@cli.command()
def status(as_json: JsonFlag = False) -> None:
    """What the stores hold, after finishing any pending stage work."""
    with application() as app:
        from meter2cash.service.pipeline import RunReport

        process_pending(app.uow_factory, app.tariffs, RunReport())
        snapshot = read_status(app.uow_factory)
        if as_json:
            emit_json(status_json(snapshot, app.settings))
        else:
            _print(render_status(snapshot, app.settings))


def _query(as_json: bool, produce: Callable[[App], Any], human: Callable[[Any], list[str]]) -> None:
    with application() as app:
        data = produce(app)
    if as_json:
        emit_json(data)
    else:
        _print(human(data))


@cli.command()
def reads(
    supply_point: Annotated[str, typer.Argument(help="Supply point id (NMI, MPAN core, ...).")],
    from_: Annotated[str, typer.Option("--from", help="First local day, YYYY-MM-DD.")],
    to: Annotated[str, typer.Option("--to", help="Day after the last, YYYY-MM-DD (exclusive).")],
    channel: Annotated[str | None, typer.Option(help="Only this channel.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Interval values of a supply point: UTC start/end, exact value, quality, version, source."""
    start, end = parse_day(from_, "--from"), parse_day(to, "--to")
    if end <= start:
        fail(f"--to ({end}) must be after --from ({start}): the window is [from, to)")
    _query(
        as_json,
        lambda app: queries.reads(app.uow_factory, supply_point, start, end, channel),
        lambda rows: (
            [
                f"{r['start']} {r['end']} {r['channel']:>4} {r['value'] or '-':>12} "
                f"{r['unit']} {r['quality']} v{r['version']}"
                for r in rows
            ]
            or ["no reads in that window"]
        ),
    )


exceptions_cli = typer.Typer(
    add_completion=False, help="Validation exceptions: list them, or resolve one (`resolve`)."
)
cli.add_typer(exceptions_cli, name="exceptions")


@exceptions_cli.callback(invoke_without_command=True)
def exceptions(
    ctx: typer.Context,
    status_: Annotated[
        IssueStatus | None, typer.Option("--status", help="open, resolved, accepted.")
    ] = None,
    supply_point: Annotated[
        str | None, typer.Option("--supply-point", help="Only this supply point.")
    ] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Only this rule, e.g. C2.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Validation exceptions found by interpretation, with resolution and audit trail."""
    if ctx.invoked_subcommand is not None:
        return
    _query(
        as_json,
        lambda app: queries.exceptions(app.uow_factory, status_, supply_point, rule),
        lambda rows: (
            [
                f"#{r['id']} {r['rule']} {r['severity']} {r['status']}"
                f"{' (' + r['resolution'] + ')' if r['resolution'] else ''} "
                f"{r['supply_point_id']} {r['channel']} {r['read_on']} "
                f"[{r['first_interval']}..{r['last_interval']}] {r['detail']}"
                for r in rows
            ]
            or ["no exceptions"]
        ),
    )


@exceptions_cli.command("resolve")
def resolve(
    issue_id: Annotated[str, typer.Argument(metavar="ID", help="The exception's id.")],
    action: Annotated[
        str | None, typer.Option("--action", help="accept, estimate or reject.")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Why (required to accept or reject).")
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Who acts (default: $USER, else operator).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Accept, estimate or reject one exception (audited); then bring the bills up to date."""
    from meter2cash.service.exceptions import resolve_exception
    from meter2cash.service.pipeline import RunReport

    if not issue_id.isdigit():
        fail(f"ID must be an exception id (a number), got {issue_id!r}")
    if action is None:
        fail("--action is required: accept, estimate or reject")
    who = actor or os.environ.get("USER") or "operator"
    with application() as app:
        outcome = resolve_exception(
            app.uow_factory, int(issue_id), action or "", note, who, datetime.now(UTC)
        )
        report = process_pending(app.uow_factory, app.tariffs, RunReport())
    data = {
        "id": outcome.issue_id,
        "action": outcome.action,
        "status": str(outcome.status),
        "resolution": str(outcome.resolution),
        "note": outcome.note,
        "actor": outcome.actor,
        "at": outcome.at.isoformat().replace("+00:00", "Z"),
        "result": outcome.result,
        "curated": report.curated,
        "months_recomputed": report.months_recomputed,
        "bills_issued": report.bills_issued,
    }
    if as_json:
        emit_json(data)
        return
    result = outcome.result
    done = f"exception #{outcome.issue_id} {outcome.status} ({outcome.resolution}) by {who}"
    if "version" in result:
        done += f": version {result['version']} by {', '.join(result['methods'])}"
    if "billable" in result:
        done += f"; billable: {'yes' if result['billable'] else 'no'}"
    if result.get("blocked_by"):
        done += f" (still open: {', '.join(f'#{i}' for i in result['blocked_by'])})"
    _print([done, f"{report.bills_issued} bill(s) issued"])


@cli.command()
def bills(
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Include superseded bills.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Issued bills (the current version of each supply point and month)."""
    _query(
        as_json,
        lambda app: queries.bills(app.uow_factory, all_versions),
        lambda rows: (
            [
                f"{b['bill_id']} {b['period_start']}..{b['period_end']} "
                f"{b['total']:>10} {b['currency']}"
                for b in rows
            ]
            or ["no bills"]
        ),
    )


@cli.command()
def adjustments(
    supply_point: Annotated[
        str | None, typer.Option("--supply-point", help="Only this supply point.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Corrections to hard settlement days: delta, reason, and the two versions they link."""
    _query(
        as_json,
        lambda app: queries.adjustments(app.uow_factory, supply_point),
        lambda rows: (
            [
                f"#{a['id']} {a['supply_point_id']} {a['channel']} {a['from_on']} "
                f"{a['delta']:>12} {a['unit']} {a['reason']} "
                f"({a['old_version_id']} -> {a['new_version_id'][:12]})"
                for a in rows
            ]
            or ["no adjustments"]
        ),
    )


@cli.command()
def lineage(
    bill_line_id: Annotated[str, typer.Argument(help="A bill line id, e.g. B-NMI-202401-v1-L2.")],
    as_json: JsonFlag = False,
) -> None:
    """Explain a bill line: determinants -> curated channel-day versions -> source file records."""

    def human(data: dict[str, Any]) -> list[str]:
        line = data["bill_line"]
        out = [
            f"{line['line_id']}: {line['description']} {line['quantity']} {line['quantity_unit']}"
            f" x {line['rate']} = {line['amount']}"
        ]
        for det in data["determinants"]:
            out.append(
                f"  determinant #{det['determinant_id']} v{det['version']} {det['kind']} "
                f"{det['channel']} {det['period_on']} = {det['quantity']} {det['unit']}"
            )
            for cd in det["channel_days"]:
                src = cd["source"]
                out.append(
                    f"    channel-day #{cd['channel_day_id']} v{cd['version']} {cd['read_on']}"
                    f" <- {src['file_name']}:{src['line']}"
                )
        return out

    _query(as_json, lambda app: queries.lineage(app.uow_factory, bill_line_id), human)


@cli.command()
def schemas(
    write: Annotated[bool, typer.Option("--write", help="Write changed schema files.")] = False,
    directory: Annotated[
        Path | None, typer.Option(help="Schema folder (default: schemas/events).")
    ] = None,
) -> None:
    """Check (default) or write the JSON Schemas of the canonical events."""
    from meter2cash import schemas as event_schemas
    from meter2cash.domain.events import EVENT_TYPES

    target = directory or event_schemas.EVENT_SCHEMA_DIR
    if write:
        try:
            written = event_schemas.write_schemas(target)
        except event_schemas.SchemaCompatibilityError as exc:
            fail(str(exc))
        typer.echo("\n".join(f"wrote {p}" for p in written) or "schemas are up to date")
        return
    drifts = [event_schemas.drift_of(cls, target) for cls in EVENT_TYPES]
    for drift in drifts:
        typer.echo(drift.message)
    if not all(d.allowed for d in drifts):
        raise typer.Exit(code=1)


def _defect_rates(specs: list[str]) -> dict[str, float]:
    rates: dict[str, float] = {}
    for spec in specs:
        kind, sep, rate = spec.partition("=")
        try:
            rates[kind] = float(rate)  # a probability, not a quantity: float is right here
        except ValueError:
            fail(f"--defect takes KIND=RATE (e.g. spikes=0.01), got {spec!r}")
        if not sep:
            fail(f"--defect takes KIND=RATE (e.g. spikes=0.01), got {spec!r}")
    return rates


@cli.command()
def generate(
    out_dir: Annotated[Path, typer.Argument(help="A new or empty directory to write into.")],
    supply_points: Annotated[int, typer.Option(min=1, help="How many supply points.")] = 10,
    days: Annotated[int, typer.Option(min=1, help="How many days per supply point.")] = 31,
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")] = "2024-01-01",
    seed: Annotated[int, typer.Option(help="Random seed: same arguments, same bytes.")] = 1,
    fmt: Annotated[str, typer.Option("--format", help="nem12 (AU) or m2c-jsonl (GB).")] = "nem12",
    interval_minutes: Annotated[int, typer.Option(help="5, 15 or 30.")] = 30,
    files: Annotated[int, typer.Option(min=1, help="Split over this many files.")] = 1,
    defect: Annotated[
        list[str] | None,
        typer.Option(
            help="KIND=RATE per channel-day; kinds: gaps, duplicates, spikes, negatives, "
            "late_corrections, estimates, malformed, interval_gaps, zero_runs."
        ),
    ] = None,
    clock_changes: Annotated[
        bool, typer.Option(help="Force the UK clock-change days in (m2c-jsonl).")
    ] = False,
    manifest: Annotated[
        Path | None,
        typer.Option(
            help="Write the manifest (every defect, the rule that must find it) here instead of "
            "OUT_DIR/manifest.json, so that OUT_DIR holds only metering files."
        ),
    ] = None,
) -> None:
    """Write realistic synthetic metering files (load shapes, noise, optional defects) and a manifest."""
    from meter2cash.synth import generate as run_generator

    try:
        result = run_generator(
            out_dir,
            supply_points=supply_points,
            days=days,
            start_on=parse_day(start, "--start"),
            seed=seed,
            fmt=fmt,
            interval_minutes=interval_minutes,
            defects=_defect_rates(defect or []),
            files=files,
            include_clock_changes=clock_changes,
            manifest_path=manifest,
        )
    except (ValueError, FileExistsError) as exc:
        fail(str(exc))
    typer.echo(
        f"wrote {len(result.files)} file(s), {result.records_written} records, "
        f"{result.values_written} values, {len(result.defects)} defects into {out_dir} "
        f"(manifest: {result.manifest_path if manifest else result.manifest_path.name})"
    )


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)


@cli.command()
def freshness(
    supply_point: Annotated[str, typer.Argument(help="Supply point id.")],
    slo_hours: Annotated[
        float, typer.Option("--slo-hours", help="Data older than this is 'delayed'.")
    ] = 48.0,
    as_json: JsonFlag = False,
) -> None:
    """How current a supply point's data is, why it may be late, and how settled it is."""
    from meter2cash.service.freshness import freshness as read_freshness

    def produce(app: App) -> dict[str, Any]:
        try:
            return read_freshness(
                app.uow_factory, supply_point, datetime.now(UTC), timedelta(hours=slo_hours)
            )
        except NotFoundError as exc:
            fail(str(exc))
            raise

    _query(
        as_json,
        produce,
        lambda f: [f"{key:<22} {value}" for key, value in f.items()],
    )
