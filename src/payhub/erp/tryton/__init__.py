"""The Tryton connector as a package: `adapter` (the `Erp` port), `rpc` (the JSON-RPC session), `transformers`
(pure translations and the posting planner), `errors` (Tryton's faults as domain errors), `config` (the mapping)."""

from payhub.erp.tryton.adapter import TrytonErp
from payhub.erp.tryton.config import TrytonEntity, TrytonMapping

__all__ = ["TrytonEntity", "TrytonErp", "TrytonMapping"]
