"""The nightly reconciliation of a whole instansi (DESIGN §6), as a package.

``runner`` is the phase loop; each phase, the dry run, the guards, the plan of a held or dry run
and the run views (list, detail, items, approval) are modules beside it. Callers start a run with
``Reconciler(siasn, sessions, ReconcileOptions(...)).run()`` and catch ``RunStopped``.
"""

from sync.reconcile.runner import KIND, ReconcileOptions, Reconciler, RunStopped

__all__ = ["KIND", "ReconcileOptions", "Reconciler", "RunStopped"]
