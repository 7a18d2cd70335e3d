"""The raw result of a language rule, before place, date and de-duplication."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Hit"]


@dataclass(slots=True)
class Hit:
    """One casualty statement found in a sentence (offsets are normalised)."""

    kind: str  # "killed" | "injured"
    count: int | None
    count_min: int | None
    count_max: int | None
    start: int  # span of trigger + count phrase, normalised offsets
    end: int
    anchor: int  # offset of the trigger: places are chosen relative to it
    rule: str
    victim: str = "unknown"  # civilian | combatant | unknown
    noun: str = ""  # head victim noun, to tell two one-person events apart
    group: str | None = None  # normalised-span of the group, mapped later
    group_span: tuple[int, int] | None = None
    scope: str = "incident"
    sentence: int = 0
    day: str = "0"  # the statement's date, or its relative day when the date is unknown
    cue: str = ""  # the day the sentence names (dates.day_key), "" when it names none
