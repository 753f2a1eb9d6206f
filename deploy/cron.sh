#!/bin/sh
# The portal's scheduled commands, for the compose "cron" service (or copy the two lines into the
# host's crontab, see docs/deploy.md). Rounds need no command: they open and close by their dates.
#   every 5 minutes   flask send-outbox       retry e-mails a failed send left in the outbox
#   daily after 07:00 flask send-reminders    returns due in the next 14 days, or overdue
set -u
: "${PUBLIC_URL:?set PUBLIC_URL to the portal's address, e.g. https://grants.council.example/}"
reminded=""
while true; do
    flask --app wsgi send-outbox || echo "cron: send-outbox failed" >&2
    today=$(date -u +%F)
    if [ "$(date -u +%H)" -ge 7 ] && [ "$reminded" != "$today" ]; then
        if flask --app wsgi send-reminders --base-url "$PUBLIC_URL"; then
            reminded=$today
        else
            echo "cron: send-reminders failed; trying again in 5 minutes" >&2
        fi
    fi
    sleep 300
done
