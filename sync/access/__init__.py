"""Who may call the service and what they may do: rules, keys, accounts, sessions, throttle.

    rules     principals, actions and decisions: who may do what on which employee or unit
    people    the people a conflict can be assigned to (local accounts, operators, admins)
    sessions  API keys, local accounts, browser sessions and the login throttle

The package imports only ``store``, ``mappings`` and ``sync.clock``: access is decided before
any sync job runs, and no job decides it (``tests/test_access_imports.py`` keeps it so).
"""
