"""Scale-out on Procrastinate: ``ekinerja-sync worker`` and ``reconcile --queue`` (issue 15.4).

The queue lives in the store's own PostgreSQL (no new service; ``db upgrade`` creates its
tables). ``queue`` builds the Procrastinate app and its tasks, ``tasks`` runs a queued run's
steps and partitions (``sync.reconcile.conduct``), ``sweeper`` retries the jobs of a worker that
died and prunes finished ones, ``process`` runs a worker, ``follow`` hands a run to the workers
and follows it to its end.
"""
