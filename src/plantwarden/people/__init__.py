"""People: local users, their roles per site, API tokens, and the hash-chained audit log.

What the web console and the REST API (issue 21) stand on: :func:`roles.can` answers
whether a principal may do an action on a site, :func:`tokens.authenticate_token` turns a
bearer token into a principal, and :func:`audit.append` records every change (docs/people.md).
"""
