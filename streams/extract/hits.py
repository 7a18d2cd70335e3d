"""The raw result of a language rule, before place, date and de-duplication."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Hit"]


@dataclass(slots=True, init=False)
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
    # An explicit __init__ (init=False above): mypyc compiles it, while the dataclass-made one
    # runs in the interpreter (4,000 instructions a call compiled). Same fields, same defaults.
    def __init__(
        self,
        kind: str,
        count: int | None,
        count_min: int | None,
        count_max: int | None,
        start: int,
        end: int,
        anchor: int,
        rule: str,
        victim: str = "unknown",
        noun: str = "",
        group: str | None = None,
        group_span: tuple[int, int] | None = None,
        scope: str = "incident",
        sentence: int = 0,
        day: str = "0",
        cue: str = "",
    ) -> None:
        self.kind = kind
        self.count = count
        self.count_min = count_min
        self.count_max = count_max
        self.start = start
        self.end = end
        self.anchor = anchor
        self.rule = rule
        self.victim = victim
        self.noun = noun
        self.group = group
        self.group_span = group_span
        self.scope = scope
        self.sentence = sentence
        self.day = day
        self.cue = cue
