#!/bin/sh
# Called by cron (see referral-bulk.crontab). The token comes from a file that
# another job refreshes; referral-bulk re-reads it when it changes.
# --metrics-file goes to node_exporter's textfile collector folder
# (--collector.textfile.directory); referral-bulk-alerts.yml alerts on it.
set -eu
cd /var/lib/referral-bulk
exec referral-bulk apply /srv/crm/export/referrals.csv \
    --token-file /etc/referral-bulk/token \
    --max-rps 40 \
    --state-dir /var/lib/referral-bulk/state \
    --metrics-file /var/lib/node_exporter/textfile/referral-bulk.prom \
    --report-dir "/var/lib/referral-bulk/reports/$(date -u +%Y%m%dT%H%M%SZ)"
