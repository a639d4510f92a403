from pathlib import Path

from plan.parsers import ParsedItem, ParsedPlan, ParsedSection, parse_plan_file

SEED = Path(__file__).resolve().parents[2] / "plan" / "data" / "plan-2020-2021.txt"


def seed_bytes() -> bytes:
    return SEED.read_bytes()


def seed_plan() -> ParsedPlan:
    return parse_plan_file(seed_bytes())


def parsed_plan(items=3, sections=1, deadline="Май, октябрь") -> ParsedPlan:
    """A small plan: `sections` sections of `items` numbered items each."""
    return ParsedPlan(
        title="План работы на 2020-2021 учебный год",
        start_year=2020,
        sections=[
            ParsedSection(
                f"{s}.",
                f"Раздел {s}",
                [
                    ParsedItem(f"{s}.{i}.", f"Мероприятие {s}.{i}", deadline)
                    for i in range(1, items + 1)
                ],
            )
            for s in range(1, sections + 1)
        ],
    )
