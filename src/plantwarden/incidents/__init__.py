"""OT incident response: incidents with their timeline, preserved evidence, and a playbook
built from the site model (safety gate, containment ladder priced by the continuity engine,
stabilise and continue, recovery with the vendor, lessons learned); docs/incidents.md.

The service functions (:mod:`plantwarden.incidents.service`) take a store URL and a site id,
so that the CLI, the API and the page call the same code.
"""
