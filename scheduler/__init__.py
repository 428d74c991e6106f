"""Scheduled jobs (``configs/schedule.yaml``): crawls and ingests on cron schedules, each run in its
own process with a timeout, one run per job at a time, every run recorded in Elasticsearch.

One module per job: ``cron`` (cron expressions as APScheduler triggers), ``jobs`` (the config),
``lock`` (one run per job across processes), ``supervise`` (a run's process, its stats, its record),
``stats`` (the one reader of a run's stats), ``status`` (how a run is told), ``overview`` (the runs
page, ``/jobs``, ``/health``), ``service`` (the long-running APScheduler process).

The same job runs three ways, all through :func:`scheduler.supervise.run_job`: ``finnews schedule
run`` (a long-running APScheduler process), ``finnews schedule run-once JOB`` (what cron or a systemd
timer calls), and ``finnews schedule run --run-now JOB`` (start the scheduler with one run straight
away). The command line is :mod:`finnews.commands_schedule`.
"""
