"""The admin service layer: every settings write (entities, keys, customers, fee policies, routing rules,
webhook endpoints, extensions, portal settings) is one named function here, over a unit of work, owning its
validation, versioning and audit. The API routers and config-as-code (`payhub.config.apply`) both call these
functions; neither writes settings itself."""

from payhub.admin.work import Actor, UnitOfWork, reading, transaction

__all__ = ["Actor", "UnitOfWork", "reading", "transaction"]
