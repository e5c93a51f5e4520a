"""Admin review of conflicts: lifecycle, who sees what, queries, decisions, upstream corrections.

lifecycle   open / assigned / resolved / superseded, events, comments, versions
calendar    due dates in working days on the Indonesian calendar
scope       which conflicts and runs a caller may see and decide
query       filtered lists, detail, summary, select-all-filtered
decide      take SIASN / keep local / set a value, assign, comment
group       related fields decided together (golongan + TMT, unit + jabatan + TMT)
usulan      upstream corrections to file in SIASN, by unit
"""
