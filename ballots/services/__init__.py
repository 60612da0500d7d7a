"""Every write of the ballots app, one module per area: ``voters`` (the roll, its publication and
objections), ``voter_import`` (the import job), ``stations`` (proxies and polling stations), ``counting`` (rounds,
tallies, results). Keyword-only, atomic, permission- and stage-checked, one event per change."""
