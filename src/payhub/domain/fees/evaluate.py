"""Evaluating a fee policy for one payment: the convenience fee, the surcharge and the reasons (pure, total)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from payhub.domain.fees.policy import (
    BRAND_SURCHARGE_MAX_PERCENT,
    ConvenienceFeeRule,
    FeeContext,
    FeePolicy,
    FeeQuote,
    SurchargePolicy,
)
from payhub.domain.money import Money

# --- evaluation ----------------------------------------------------------------------------------

def evaluate(policy: FeePolicy, ctx: FeeContext) -> FeeQuote:
    """Quote the convenience fee and surcharge for one payment, with the reasons as explanation lines
    (for the UI). Pure and total: any valid policy and context give a quote, never an error."""
    lines: list[str] = []
    currency = ctx.amount.currency
    waiver = policy.waiver_for(ctx.segment)

    fee, rule = _convenience_fee(policy, ctx, lines)
    fee_waived = False
    if waiver is not None and waiver.convenience_fee and fee.is_positive:
        lines.append(f"Convenience fee of {fee} waived for segment '{waiver.segment}'")
        fee, fee_waived = Money.zero(currency), True

    surcharge, rate = _surcharge(policy.surcharge, ctx, lines)
    surcharge_waived = False
    if waiver is not None and waiver.surcharge and surcharge.is_positive:
        lines.append(f"Surcharge of {surcharge} waived for segment '{waiver.segment}'")
        surcharge, rate, surcharge_waived = Money.zero(currency), Decimal(0), True

    if surcharge.is_positive and fee.is_positive:  # card network rules: not both on one card payment
        lines.append(f"Convenience fee of {fee} dropped: a card payment carries a surcharge or a convenience "
                     "fee, not both")
        fee = Money.zero(currency)

    return FeeQuote(ctx.amount, fee, surcharge, ctx.amount + fee + surcharge, rate,
                    None if rule is None else rule.priority, fee_waived, surcharge_waived, tuple(lines))


def _round(value: Fraction, currency: str) -> Money:
    """ROUNDING, as Money.times rounds, so fees round exactly as every other rate in PayHub does."""
    return Money.rounded(value, currency)


def _pct(percent: Decimal) -> str:
    return f"{percent.normalize():f}%"


def _convenience_fee(policy: FeePolicy, ctx: FeeContext, lines: list[str]
                     ) -> tuple[Money, ConvenienceFeeRule | None]:
    currency = ctx.amount.currency
    rule = next((r for r in sorted(policy.convenience_fees, key=lambda r: r.priority) if r.matches(ctx)), None)
    if rule is None:
        if policy.convenience_fees:
            lines.append("No convenience fee rule matched")
        return Money.zero(currency), None

    if rule.tiers:
        tier = next(t for t in rule.tiers if t.contains(ctx.amount))  # tiers cover [0, ∞): always found
        flat, percent = tier.flat, tier.percent
        band = f"{tier.start} and above" if tier.end is None else f"{tier.start} to under {tier.end}"
        where = f" (tier {band})"
    else:
        flat, percent, where = rule.flat, rule.percent, ""
    raw, parts = Fraction(0), []
    if flat is not None:
        raw += flat.amount
        parts.append(f"{flat}")
    if percent is not None:
        raw += Fraction(ctx.amount.amount) * Fraction(percent) / 100
        parts.append(f"{_pct(percent)} of {ctx.amount}")
    lines.append(f"Convenience fee rule {rule.label} applies: {' + '.join(parts)}{where}")

    if rule.minimum is not None and raw < rule.minimum.amount:
        raw = Fraction(rule.minimum.amount)
        lines.append(f"Minimum convenience fee of {rule.minimum} applied")
    if rule.cap is not None and raw > rule.cap.amount:
        raw = Fraction(rule.cap.amount)
        lines.append(f"Convenience fee capped at {rule.cap}")
    fee = _round(raw, currency)
    lines.append(f"Convenience fee: {fee}")
    return fee, rule


def _surcharge(policy: SurchargePolicy | None, ctx: FeeContext, lines: list[str]) -> tuple[Money, Decimal]:
    none = Money.zero(ctx.amount.currency), Decimal(0)
    if policy is None:
        return none
    if ctx.method != "card":
        lines.append("No surcharge: ACH payments are never surcharged")
        return none
    funding = ctx.funding
    if funding in ("debit", "prepaid"):
        lines.append(f"No surcharge: {funding} cards may not be surcharged")
        return none
    if funding == "unknown" and not policy.surcharge_unknown_funding:
        lines.append("No surcharge: the card's funding type (credit or debit) is unknown")
        return none

    rate = policy.percent
    if ctx.jurisdiction is None:
        if not policy.surcharge_unknown_jurisdiction:
            lines.append("No surcharge: the payer's jurisdiction is unknown")
            return none
    else:
        found = policy.jurisdiction_cap(ctx.jurisdiction)
        if found is not None:
            where, cap = found
            if cap == 0:
                lines.append(f"No surcharge: surcharges are prohibited in {where}")
                return none
            if cap < rate:
                rate = cap
                lines.append(f"Surcharge limited to {_pct(cap)} in {where}")
    if ctx.card_brand is not None and ctx.card_brand in policy.brand_caps:
        cap = policy.brand_caps[ctx.card_brand]
        if cap == 0:
            lines.append(f"No surcharge: {ctx.card_brand} cards are not surcharged")
            return none
        if cap < rate:
            rate = cap
            lines.append(f"Surcharge limited to {_pct(cap)} for {ctx.card_brand} cards")
    if rate > BRAND_SURCHARGE_MAX_PERCENT:  # validation already forbids this; kept as the last line of defence
        rate = BRAND_SURCHARGE_MAX_PERCENT
        lines.append(f"Surcharge limited to the card-brand maximum of {_pct(rate)}")
    if rate == 0:
        lines.append("No surcharge: the surcharge rate is 0%")
        return none
    surcharge = ctx.amount.times(Fraction(rate) / 100)
    lines.append(f"Surcharge: {_pct(rate)} of {ctx.amount} = {surcharge}")
    return surcharge, rate

