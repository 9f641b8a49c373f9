#!/usr/bin/env python3
"""One-off converter: holiday-cn JSON files -> ParkGrid's cn-holidays.txt.

Source data: holiday-cn by NateScarlet (https://github.com/NateScarlet/holiday-cn), MIT License,
Copyright (c) 2019 NateScarlet; the schedules themselves are the State Council's notices listed
in each file's "papers". A copy used for this conversion is in shared/data/holiday-cn/.

Usage: python3 convert-holiday-cn.py /path/to/holiday-cn/2020.json ... > cn-holidays.txt
The C# test HolidayDataTests checks that the result agrees, day by day, with the JSON files.
"""
import datetime
import json
import sys

HEADER = """\
# ParkGrid working-day calendar data: Chinese statutory holidays and make-up working days (调休).
#
# Source: holiday-cn by NateScarlet, https://github.com/NateScarlet/holiday-cn
#         MIT License, Copyright (c) 2019 NateScarlet (see THIRD-PARTY-NOTICES.md beside this file).
#         Each year's schedule is the State Council notice named on its "year" line.
# Converted with convert-holiday-cn.py (beside this file); do not edit by hand without re-checking
# against the source: the test HolidayDataTests compares every day with the holiday-cn JSON files.
#
# Format (UTF-8, one record per line, '#' starts a comment):
#   year YYYY <url> [<url> ...]   a published schedule; the lines after it belong to that year
#   year YYYY unpublished         the year is known but its schedule is not yet published:
#                                 asking about its dates is an error (see WorkingDayCalendar)
#   off  YYYY-MM-DD[..YYYY-MM-DD] <name>   statutory holiday (inclusive range), a day off
#   work YYYY-MM-DD[..YYYY-MM-DD] <name>   make-up working day (调休上班) on a weekend
# Dates of a year's lines may spill into the neighbouring year (e.g. 2022-12-31 in 2023's notice).
# Days not listed follow the plain rule: Monday-Friday work, Saturday and Sunday off.
"""


def main(paths):
    out = [HEADER]
    for path in sorted(paths):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        year = data["year"]
        days = sorted(data["days"], key=lambda d: d["date"])
        if not days and not data["papers"]:
            out.append(f"\nyear {year} unpublished\n")
            continue
        out.append(f"\nyear {year} " + " ".join(data["papers"]) + "\n")
        runs = []
        for d in days:
            date = datetime.date.fromisoformat(d["date"])
            kind = "off" if d["isOffDay"] else "work"
            if runs and runs[-1][0] == kind and runs[-1][3] == d["name"] and runs[-1][2] + datetime.timedelta(days=1) == date:
                runs[-1][2] = date
            else:
                runs.append([kind, date, date, d["name"]])
        for kind, first, last, name in runs:
            span = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
            out.append(f"{kind:<4} {span} {name}\n")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main(sys.argv[1:])
