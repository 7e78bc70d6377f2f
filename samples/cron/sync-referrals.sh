#!/bin/sh
# Called by cron (see referral-bulk.crontab). The token comes from a file that
# another job refreshes; referral-bulk re-reads it when it changes.
set -eu
cd /var/lib/referral-bulk
exec referral-bulk apply /srv/crm/export/referrals.csv \
    --token-file /etc/referral-bulk/token \
    --max-rps 40 \
    --state-dir /var/lib/referral-bulk/state \
    --report-dir "/var/lib/referral-bulk/reports/$(date -u +%Y%m%dT%H%M%SZ)"
