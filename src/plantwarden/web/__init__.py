"""The web console and REST API (issue 21): ``plantwarden serve``.

Three faces of one model: the CLI, the API (``/api/v1``, :mod:`plantwarden.web.api`) and the
pages (:mod:`plantwarden.web.pages`) call the same service functions of each capability's
package. Conventions (error shape, paging, identity and roles, audit): docs/web.md.
"""
