"""How much stands behind a rate: the 95 % Wilson interval and the "few samples" rule.

A pass rate of 0 % from one failing sample and one of 0 % from 400 are different news. So
every rate LabDesk draws or prints carries its number of samples, its Wilson score
interval, and a mark when it rests on fewer than a minimum of samples (default
`MIN_SAMPLES`; configurable where rates are shown).

The Wilson interval (Wilson 1927) for k successes in n trials at z:

    centre = (p + z²/2n) / (1 + z²/n),  half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)

computed in Decimal at 40 digits (no float), clamped to [0, 1]. Unlike p ± z·√(p(1−p)/n) it
never leaves [0, 1] and does not collapse to a point at 0 % or 100 %: one failing sample
gives a pass rate of 0 % with an interval up to 79.35 %. Percentages are rounded outwards
(the lower end down, the upper end up), so the printed interval always contains the exact
one.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

__all__ = ["MIN_SAMPLES", "Z95", "few_samples", "wilson_interval", "wilson_percent"]

#: Rates from fewer judged samples than this are marked "few samples" and kept off lines.
MIN_SAMPLES = 10
#: The standard normal quantile for a two-sided 95 % interval, Φ⁻¹(0.975), to 16 digits.
Z95 = Decimal("1.959963984540054")
_CTX = Context(prec=40)
_ZERO, _ONE = Decimal(0), Decimal(1)


def few_samples(trials: int, minimum: int = MIN_SAMPLES) -> bool:
    """True when a rate over `trials` samples rests on fewer than `minimum` of them."""
    return trials < minimum


def wilson_interval(
    successes: int, trials: int, z: Decimal = Z95
) -> tuple[Decimal, Decimal] | None:
    """The Wilson score interval of successes/trials as fractions; None without trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes of {trials} trials")
    c = _CTX
    n = Decimal(trials)
    p = c.divide(Decimal(successes), n)
    z2 = c.multiply(z, z)
    denominator = c.add(_ONE, c.divide(z2, n))
    centre = c.divide(c.add(p, c.divide(z2, c.multiply(2, n))), denominator)
    spread = c.add(
        c.divide(c.multiply(p, c.subtract(_ONE, p)), n), c.divide(z2, c.multiply(4, n * n))
    )
    half = c.divide(c.multiply(z, c.sqrt(spread)), denominator)
    low = max(_ZERO, c.subtract(centre, half))
    high = min(_ONE, c.add(centre, half))
    if successes == 0:
        low = _ZERO  # exact: the two terms cancel; rounding must not leave a speck
    if successes == trials:
        high = _ONE
    return low, high


def wilson_percent(
    successes: int, trials: int, places: int = 2, z: Decimal = Z95
) -> tuple[Decimal, Decimal] | None:
    """The interval in percent with `places` decimals, rounded outwards."""
    interval = wilson_interval(successes, trials, z)
    if interval is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    low, high = (x * 100 for x in interval)
    return low.quantize(quantum, ROUND_FLOOR), high.quantize(quantum, ROUND_CEILING)
