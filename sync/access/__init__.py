"""Who may call the service and what they may do: rules, grants, keys, accounts, sessions.

    rules     principals, actions and decisions: who may do what on which employee or unit
    grants    units granted to operators beyond their own
    keys      API keys (the e-Kinerja app, server to server)
    accounts  local admin accounts (scrypt passwords)
    throttle  login attempts counted per account and per client
    sessions  browser sessions and OIDC logins under way
    people    the people a conflict can be assigned to (local accounts, operators, admins)
    common    what the credential modules share (their error, names, digests, the time)

The package imports only ``store``, ``mappings`` and ``sync.clock``: access is decided before
any sync job runs and no job decides it (``tests/test_access_imports.py`` keeps it so).
"""
