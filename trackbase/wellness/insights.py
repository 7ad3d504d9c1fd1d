"""Rule-based insights: each one names the rule that fired and the numbers it fired on. Pure."""

from dataclasses import asdict, dataclass

LOW_SCORE = 4
HIGH_CARE = 8
TREND_DELTA = 2.0


@dataclass(frozen=True)
class Insight:
    rule: str
    message: str
    numbers: dict

    def as_dict(self) -> dict:
        return asdict(self)


def insights_for(
    *, recent: dict | None, previous: dict | None, streak: int, group_averages: list[dict]
) -> list[Insight]:
    """`recent`/`previous`: average scores ({productive, satisfied, body, care, huCaresScore, count}) of the last
    4 weeks and the 4 before; `group_averages`: [{groupId, name, average}] for the same last 4 weeks."""
    found: list[Insight] = []
    if not recent or not recent.get("count"):
        return [Insight("NO_DATA", "No check-ins in the last 4 weeks: insights need at least one.", {"weeks": 4})]
    found += _trend(recent, previous)
    found += _lows(recent)
    if recent["care"] is not None and recent["care"] >= HIGH_CARE:
        found.append(
            Insight(
                "HIGH_CARE",
                f"Your care score averaged {recent['care']:.1f} over the last 4 weeks (>= {HIGH_CARE}): "
                "a lot on your mind lowers your HuCares score.",
                {"care": round(recent["care"], 2), "threshold": HIGH_CARE},
            )
        )
    if streak >= 3:
        found.append(Insight("STREAK", f"{streak} weeks in a row checked in.", {"streak": streak}))
    found += _against_groups(recent, group_averages)
    return found


def _trend(recent: dict, previous: dict | None) -> list[Insight]:
    if not previous or not previous.get("count"):
        return []
    delta = recent["huCaresScore"] - previous["huCaresScore"]
    if abs(delta) < TREND_DELTA:
        return []
    rule, word = ("TREND_UP", "up") if delta > 0 else ("TREND_DOWN", "down")
    numbers = {"recent": round(recent["huCaresScore"], 2), "previous": round(previous["huCaresScore"], 2)}
    message = (
        f"Your HuCares score is {word} {abs(delta):.1f} points: {numbers['recent']} over the last 4 weeks "
        f"against {numbers['previous']} the 4 weeks before."
    )
    return [Insight(rule, message, numbers | {"delta": round(delta, 2)})]


def _lows(recent: dict) -> list[Insight]:
    return [
        Insight(
            f"LOW_{name.upper()}",
            f"Your {name} score averaged {recent[name]:.1f} over the last 4 weeks (below {LOW_SCORE}).",
            {name: round(recent[name], 2), "threshold": LOW_SCORE},
        )
        for name in ("productive", "satisfied", "body")
        if recent[name] is not None and recent[name] < LOW_SCORE
    ]


def _against_groups(recent: dict, group_averages: list[dict]) -> list[Insight]:
    found = []
    for group in group_averages:
        if group["average"] is None:
            continue
        delta = recent["huCaresScore"] - group["average"]
        if abs(delta) >= TREND_DELTA:
            word = "above" if delta > 0 else "below"
            found.append(
                Insight(
                    "ABOVE_GROUP" if delta > 0 else "BELOW_GROUP",
                    f"Over the last 4 weeks you averaged {recent['huCaresScore']:.1f}, {abs(delta):.1f} {word} "
                    f"{group['name']}'s {group['average']:.1f}.",
                    {
                        "you": round(recent["huCaresScore"], 2),
                        "group": round(group["average"], 2),
                        "groupId": group["groupId"],
                    },
                )
            )
    return found
