"""The editable case record's panels (issue 16): personal details, addresses, circumstances, the timeline.

Each panel shows what CaseView loaded (`show_record`) and writes through `ops.write`; the window's `changed`
signal then makes CaseView reload the record, so a panel never patches its own rows after a save.
"""
