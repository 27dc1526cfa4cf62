"""Apply: a plan in, writes to the wiki out, every change ended ok, failed or skipped.

In: a [`PlanRun`][wikisync.engine.PlanRun] (the plan and what the wiki looked like).
Out: an [`ApplyReport`][wikisync.apply.execute.ApplyReport] and the new ownership state.

* ``execute``: the writes in a safe order, concurrently, with partial failure recorded;
* ``run``: the lock around it, and the state rebuilt from what was actually written.
"""
