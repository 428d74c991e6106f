"""Alerts on scheduled runs: ``configs/alerts.yaml`` rules (a job failed, was blocked, brought nothing
new for longer than its window, had too many errors, left the spool full) sent to channels (a JSON
webhook for Slack, Feishu, DingTalk, WeCom or anything else, and SMTP e-mail).

Layers: :mod:`alerts.config` (the file, validated), :mod:`alerts.rules` (pure: which rules a run
trips, and how open incidents change), :mod:`alerts.channels` (delivery, secrets),
:mod:`alerts.state` (open incidents on disk), :mod:`alerts.service` (the glue a run calls).
"""
