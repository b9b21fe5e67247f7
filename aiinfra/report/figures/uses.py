"""What the fleet does: XPUs needed by use (inference, training, other AI, ramp-up, idle)."""

from aiinfra.report.charts import Context, stacked


def build(ctx: Context):
    """Stacked median XPUs needed by use (M units), with the installed base as points."""
    ds = ctx.ds
    inst = ds["installed_total"].median("draw")
    seed = [(int(y), float(v) * 1e-6) for y, v in zip(ds.year.values, inst.values, strict=True)]
    return stacked(ctx, ds["xpus_needed_by_use"], "use", scale=1e-6, title_key="uses", seed=seed)
