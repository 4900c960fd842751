"""Fee policies: convenience fees, card surcharges and segment waivers, evaluated on every payment.

Pure domain code (stdlib only, no I/O). A policy arrives as plain JSON-like config (admin API, config
file), is checked by `parse_policy`, and exports back with `FeePolicy.to_dict()`. Every `FeePolicy`
is validated when it is built, so an invalid policy cannot exist, whether parsed or written as code.

The rules, stated once (the UI, the docs and the tests rely on them):

* Percentages are decimal *strings meaning percent*: "2.5" is 2.5 % (250 basis points). At most four
  decimal places ("2.9999"). JSON integers are accepted ("3" or 3); floats are refused (inexact).
* Minor-unit amounts (flat fees, `minimum`, `cap`, `min_amount`/`max_amount`, tier bounds) are
  integers in the minor unit of the rule's `currency` (cents for USD, yen for JPY, fils for KWD),
  so a rule that uses any of them must name its `currency`. A percent-only rule may omit it.
* Convenience fees: rules are tried in ascending `priority` (1 before 10; priorities are unique). The
  first rule whose conditions all hold applies, and no other rule is looked at; no match, no fee.
  Conditions (each optional, omitted = any): `methods`, `channels`, `currency`, and
  `min_amount <= amount <= max_amount` (both inclusive). The fee is `flat`, `percent`, both (flat plus
  a percent of the amount), or `tiers`. Tiers are half-open bands `from <= amount < to`, contiguous
  from 0, the last open-ended (`"to": null`); the band the amount falls in prices the *whole* amount
  (volume bands, not marginal brackets). Then `minimum` raises the fee, then `cap` lowers it.
* Surcharges: card payments only (ACH never), credit cards only: debit and prepaid cards are never
  surcharged, cards of unknown funding only if `surcharge_unknown_funding` (default: no). The rate is
  the lowest of `percent`, the payer jurisdiction's cap, the card brand's cap and the card-brand
  maximum `BRAND_SURCHARGE_MAX_PERCENT` (3 %). A jurisdiction cap is looked up for the exact code
  ("US-CA") first, then for its country ("US"); a cap of 0 means surcharging is prohibited there. An
  unknown jurisdiction is surcharged only if `surcharge_unknown_jurisdiction` (default: no). The
  surcharge is a percentage of the payment amount, never of the convenience fee.
* Waivers: a customer segment (e.g. "nonprofit") listed in `waivers` has its convenience fee waived
  (`convenience_fee`, default true) and optionally its surcharge (`surcharge`, default false).
* Rounding: see `ROUNDING`.
"""

from payhub.domain.errors import InvalidFeePolicy
from payhub.domain.fees.evaluate import evaluate
from payhub.domain.fees.parse import parse_policy
from payhub.domain.fees.policy import (
    BRAND_SURCHARGE_MAX_PERCENT,
    CARD_BRANDS,
    CHANNELS,
    EMPTY_POLICY,
    FEE_POLICY_VERSION,
    FUNDINGS,
    MAX_CONVENIENCE_PERCENT,
    METHODS,
    ROUNDING,
    ConvenienceFeeRule,
    FeeContext,
    FeePolicy,
    FeeQuote,
    FeeTier,
    FeeWaiver,
    SurchargePolicy,
)

__all__ = ["BRAND_SURCHARGE_MAX_PERCENT", "CARD_BRANDS", "CHANNELS", "EMPTY_POLICY", "FEE_POLICY_VERSION",
           "FUNDINGS", "MAX_CONVENIENCE_PERCENT", "METHODS", "ROUNDING", "ConvenienceFeeRule", "FeeContext",
           "FeePolicy", "FeeQuote", "FeeTier", "FeeWaiver", "InvalidFeePolicy", "SurchargePolicy", "evaluate",
           "parse_policy"]
