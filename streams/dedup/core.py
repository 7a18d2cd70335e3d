"""The deduplicator: mentions in, incident versions out, state in a key-value store.

How incidents are formed (a pure function of the set of mentions, so the
result does not depend on arrival order -- see docs/dedup.md):

1. Mentions that are *linked* (relations.LINK: same place, dates within the
   window, or copies of each other) form components (union-find: links are
   never removed, so components only merge).
2. A component whose mentions are only *nested* in others (a coarser place or
   no date) is attached to the one neighbouring component of strictly higher
   precision rank that it matches best: most relations with the same figure,
   then most relations, then latest date, then smallest id. Attachments
   form a forest; every tree is one incident.
3. The incident id is ``inc-`` + the smallest mention id of the root
   component; the record is computed from the members (streams.dedup.summary).

When components merge or an attachment moves, the incidents that changed are
emitted with a new version; an id that disappears is emitted once more with
status ``merged``, counts 0 and ``merged_into``.

State layout (every value JSON-serialisable, always assigned back, never
iterated; ``P`` is the partition: the admin1 p-code or ``none``):

* ``m|<mention_id>`` compact mention (relations.compact) + comp id ``c``
* ``c|<comp_id>``    component: members, rank, parent, children, latest date
* ``i|<incident_id>`` the last emitted version of a live incident
* ``v|<incident_id>`` last version of a merged-away id (kept in case it
  becomes a root again, so versions never go back; listed on the absorbing
  component as ``tomb`` and dropped with it at expiry)
* ``a|P|<article_id>`` article: fingerprint, copies, its mention ids
* ``d|P|<kind>|<date>``, ``u|P|<kind>`` mention ids by event date / undated
* ``ab|P`` and ``ab|P|<n>`` the copy index: buckets of up to 32 articles, each
  ``{"b<band>" | "h<text_hash>" | "l<url_key>": [article ids]}`` (see ``_copy_keys``)
* ``x|P`` live dates; ``parts`` partitions; ``wm`` last expiry date
* ``r|<reference_id>`` an incident reference (an article naming an event at an
  exact place, no toll: streams.extract.references); ``rp|P|<pcode>`` the
  references at a place; ``rx|P`` their dates, ``rd|P|<date>`` / ``ru|P`` the
  dated / undated ones (for expiry)
* ``ip|P|<pcode>`` live incidents at an exact place: ``{incident_id: kind}``

References never change a figure. An incident lists a reference's article
(among ``article_ids`` and as a source with no count) when the incident's place
is the reference's exact place, not another named neighbourhood, and either
both are dated within the window, or one is undated and the incident is the
only live one of its kind at that place. Like everything else here, that is a
function of the state, not of the arrival order: whenever the incidents at a
place change, the others at that place are summarised again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, MutableMapping
from datetime import date, timedelta
from typing import Any

from streams.dedup.config import DedupConfig
from streams.dedup.fingerprint import band_matches
from streams.dedup.relations import LINK, compact, mention_date, quarter, relation
from streams.dedup.summary import summarize

__all__ = ["Deduplicator", "partition_of"]

_EMPTY = -1
MAX_RANK = 9  # relations.compact: 2 * level (exact place = 4) + 1 (dated)
#: Articles per bucket of the copy index (``ab|P|<n>``): a bucket's value stays under ~25 KB of
#: JSON (32 articles x 18 keys), and finding copies reads one bucket per 32 live articles.
COPY_BUCKET_ARTICLES = 32


def partition_of(mention: dict) -> str:
    """The dedup partition of a mention: its governorate p-code, or ``none``."""
    return (mention.get("region") or {}).get("admin1") or "none"


def _incident_id(comp_id: str) -> str:
    return f"inc-{comp_id}"


class Deduplicator:
    """Clusters casualty mentions into incidents, version by version.

    Args:
        store: a ``MutableMapping[str, JSON value]`` (a dict in tests and batch,
            a Faust ``Table`` in the stream). Values read are never mutated in
            place without being assigned back.
        config: a :class:`DedupConfig`.
    """

    def __init__(self, store: MutableMapping[str, Any], config: DedupConfig | None = None):
        self.store = store
        self.config = config or DedupConfig()
        self._touched: set[tuple[str, str]] = set()  # places whose live incidents changed

    # ------------------------------------------------------------------ public
    def process(self, mention: dict) -> list[dict]:
        """Add one mention; return the incident versions it changed (maybe []).

        Idempotent: a mention seen before returns the current version of its
        incident and changes nothing. Cumulative statistics return [].
        """
        if mention.get("scope") == "cumulative":
            return []
        st = self.store
        mid = mention["mention_id"]
        known = st.get(f"m|{mid}")
        if known is not None:
            cur = st.get(f"i|{_incident_id(self._root(known['c']))}")
            return [dict(cur)] if cur else []
        wm = st.get("wm")
        d = mention_date(mention)
        if wm and d and d < self._cutoff(wm):
            return []  # older than the horizon: its incident has been expired
        part = partition_of(mention)
        rec = compact(mention, part, self.config.evidence_chars)
        self._register_partition(part)
        dups, fresh = self._register_article(mention, part, mid)

        # relations with the candidates
        links: list[str] = []
        for cid in self._candidates(rec, dups):
            other = st.get(f"m|{cid}")
            if other is None or other["k"] != rec["k"]:
                continue
            rel = relation(rec, other, self.config.date_window_days, other["art"] in dups)
            if not rel:
                continue
            if rel == LINK:  # links only matter now (components never split): not stored
                links.append(cid)
                continue
            rec["lc"].append(cid)
            other["lc"] = [*other["lc"], mid]
            st[f"m|{cid}"] = other
        # the mention's own component is only written if it survives the merge
        own = {"mem": [mid], "rank": rec["rank"], "par": None, "ch": [], "dmax": rec["d"]}
        linked = sorted({self._comp_of(x) for x in links} | {mid})
        rec["c"] = linked[0]  # the merged component keeps the smallest id
        st[f"m|{mid}"] = rec
        self._index(rec)

        old_root = {c: c if c == mid else self._root(c) for c in linked}
        nested = self._nested_comps(linked, mid, own)  # merging does not change their ids
        for c in nested:
            old_root[c] = self._root(c)
        new = self._merge(linked, mid, own)
        # a neighbour's choice can only change if the grown component may be its parent
        rank = st[f"c|{new}"]["rank"]
        affected = {new} | {c for c in nested if st[f"c|{c}"]["rank"] < rank}
        # only incidents whose member set changed are recomputed
        moved = [c for c in sorted(affected) if self._choose_parent(c)]
        dirty = {self._root(new)} | {old_root[c] for c in linked}
        for comp in moved:  # roots only once every parent is chosen again
            dirty.add(old_root.get(comp, comp))
            dirty.add(self._root(comp))
        # copies found just now may change which article another one duplicates
        for aid in sorted(fresh):
            art = st.get(f"a|{part}|{aid}") or {}
            for other in art.get("mids", []):
                if other != mid and f"m|{other}" in st:
                    dirty.add(self._root(self._comp_of(other)))
        return self._emit(set(old_root.values()) | dirty, dirty, new)

    def process_reference(self, ref: dict) -> list[dict]:
        """Add one incident reference; return the incident versions that now list it (maybe []).

        Idempotent: a reference seen before changes nothing. A reference without an
        exact place, or older than the horizon, is ignored.
        """
        st = self.store
        rid = ref["reference_id"]
        if st.get(f"r|{rid}") is not None:
            return []
        region = ref.get("region") or {}
        pc = region.get("pcode") if region.get("precision") == "exact" else None
        if not pc:
            return []
        d = mention_date(ref)
        wm = st.get("wm")
        if wm and d and d < self._cutoff(wm):
            return []
        part = partition_of(ref)
        self._register_partition(part)
        art = ref.get("article") or {}
        st[f"r|{rid}"] = {
            "id": rid,
            "art": ref["article_id"],
            "p": part,
            "pc": pc,
            "d": d,
            "dn": date.fromisoformat(d).toordinal() if d else None,
            "q": quarter(region.get("place")),
            "src": art.get("source"),
            "url": art.get("url"),
            "pub": art.get("published_at"),
            "ev": ((ref.get("evidence") or {}).get("text") or "")[: self.config.evidence_chars],
        }
        self._append(f"rp|{part}|{pc}", rid)
        if d:
            self._append(f"rd|{part}|{d}", rid)
            dates = st.get(f"rx|{part}") or []
            if d not in dates:
                st[f"rx|{part}"] = sorted([*dates, d])
        else:
            self._append(f"ru|{part}", rid)
        out = []
        for iid in sorted(st.get(f"ip|{part}|{pc}") or {}):
            rec = self._summary(iid[len("inc-") :])
            if rec is not None:
                out.append(rec)
        return out

    def current(self, incident_id: str) -> dict | None:
        """The latest version of a live incident, or None."""
        cur = self.store.get(f"i|{incident_id}")
        return dict(cur) if cur else None

    def expire(self, now_date: str) -> list[dict]:
        """Drop incidents whose latest event date is before ``now_date`` - horizon.

        Returns their final versions with status ``expired`` (sorted by id).
        Undated incidents expire one horizon after the first ``expire`` call
        that saw them. Later mentions older than the horizon are ignored.
        """
        st = self.store
        cutoff = self._cutoff(now_date)
        wm = st.get("wm")
        if wm is None or now_date > wm:  # written only when it moves: every write is logged
            st["wm"] = now_date
        roots: set[str] = set()
        for part in st.get("parts") or []:
            dates = st.get(f"x|{part}") or []
            for d in dates:
                if d >= cutoff:
                    break
                for kind in ("killed", "injured"):
                    for mid in st.get(f"d|{part}|{kind}|{d}") or []:
                        m = st.get(f"m|{mid}")
                        if m is not None:
                            roots.add(self._root(m["c"]))
            for kind in ("killed", "injured"):
                for mid in st.get(f"u|{part}|{kind}") or []:
                    m = self._first_seen_undated(f"m|{mid}", now_date)
                    if m is not None:
                        roots.add(self._root(m["c"]))
        out = []
        for root in sorted(roots):
            members = self._members(root)
            dated = [m["d"] for m in members if m["d"]]
            last = max(dated) if dated else min(m.get("ux", now_date) for m in members)
            if last >= cutoff:
                continue
            iid = _incident_id(root)
            cur = st.get(f"i|{iid}")
            if cur is not None:
                rec = {**cur, "status": "expired", "version": cur["version"] + 1}
                out.append(rec)
                del st[f"i|{iid}"]
                self._unindex_incident(iid, cur)
            self._drop(members)
        for part in st.get("parts") or []:
            dates = st.get(f"x|{part}") or []
            old = [d for d in dates if d < cutoff]
            keep = [d for d in old if self._bucket_alive(part, d)]
            if len(keep) != len(old):
                st[f"x|{part}"] = keep + dates[len(old) :]
        # incidents that cited a dropped reference, or shared a place with an expired one
        dropped = self._expire_references(now_date, cutoff)
        self._touched |= dropped
        return out + self._resummarize_touched(dropped)

    def _expire_references(self, now_date: str, cutoff: str) -> set[tuple[str, str]]:
        """Drop references older than the horizon (undated ones one horizon after the
        first expiry that saw them); return the places they were at."""
        st = self.store
        places: set[tuple[str, str]] = set()
        for part in st.get("parts") or []:
            dates = st.get(f"rx|{part}") or []
            old = [d for d in dates if d < cutoff]
            for d in old:
                for rid in st.get(f"rd|{part}|{d}") or []:
                    places |= self._drop_reference(rid)
                if f"rd|{part}|{d}" in st:
                    del st[f"rd|{part}|{d}"]
            if old:
                st[f"rx|{part}"] = dates[len(old) :]
            undated = st.get(f"ru|{part}") or []
            keep = []
            for rid in undated:
                r = self._first_seen_undated(f"r|{rid}", now_date)
                if r is None:
                    continue
                if r["ux"] < cutoff:
                    places |= self._drop_reference(rid)
                    continue
                keep.append(rid)
            if keep != undated:
                if keep:
                    st[f"ru|{part}"] = keep
                else:
                    del st[f"ru|{part}"]
        return places

    def _first_seen_undated(self, key: str, now_date: str) -> dict | None:
        """The record at ``key``, stamped with the first expiry date that saw it (``ux``):
        an undated record expires one horizon after that."""
        rec = self.store.get(key)
        if rec is not None and "ux" not in rec:
            rec["ux"] = now_date
            self.store[key] = rec
        return rec

    def _drop_reference(self, rid: str) -> set[tuple[str, str]]:
        st = self.store
        r = st.get(f"r|{rid}")
        if r is None:
            return set()
        self._remove(f"rp|{r['p']}|{r['pc']}", {rid})
        del st[f"r|{rid}"]
        return {(r["p"], r["pc"])}

    # ------------------------------------------------------------ components
    def _comp_of(self, mid: str) -> str:
        return self.store[f"m|{mid}"]["c"]

    def _root(self, comp_id: str) -> str:
        seen = 0
        while True:
            comp = self.store[f"c|{comp_id}"]
            if comp["par"] is None:
                return comp_id
            comp_id = comp["par"]
            seen += 1
            if seen > 10_000:  # ranks strictly increase along parents: cannot happen
                raise RuntimeError("cycle in incident forest")

    def _nested_comps(self, comps: list[str], fresh_id: str, fresh: dict) -> set[str]:
        """Components with a NEST relation to a member of ``comps`` (``fresh``: not stored yet)."""
        st = self.store
        out: set[str] = set()
        for c in comps:
            comp = fresh if c == fresh_id else st.get(f"c|{c}")
            if comp is None:
                continue
            for mid in comp["mem"]:
                for nid in st[f"m|{mid}"]["lc"]:
                    n = st.get(f"m|{nid}")
                    if n is not None:
                        out.add(n["c"])
        return out - set(comps)

    def _merge(self, comps: list[str], fresh_id: str, fresh: dict) -> str:
        """Union linked components into the one with the smallest id.

        ``fresh`` is the new mention's own component (id ``fresh_id``, in
        ``comps``), not stored yet: it is written only if it is the one kept,
        and its mention already points to the kept id.
        """
        st = self.store
        keep = comps[0]
        base = fresh if keep == fresh_id else st[f"c|{keep}"]
        if len(comps) == 1:
            if keep == fresh_id:
                st[f"c|{keep}"] = base
            return keep
        for other in comps[1:]:
            oc = fresh if other == fresh_id else st[f"c|{other}"]
            for mid in oc["mem"]:
                if mid == fresh_id:
                    continue
                m = st[f"m|{mid}"]
                m["c"] = keep
                st[f"m|{mid}"] = m
            base["mem"] = base["mem"] + oc["mem"]
            base["rank"] = max(base["rank"], oc["rank"])
            base["dmax"] = max(filter(None, [base["dmax"], oc["dmax"]]), default=None)
            for child in oc["ch"]:
                if child in comps:
                    continue
                cc = st[f"c|{child}"]
                cc["par"] = keep
                st[f"c|{child}"] = cc
            base["ch"] = sorted(set(base["ch"]) | set(oc["ch"]))
            if oc.get("tomb"):
                base["tomb"] = sorted({*base.get("tomb", []), *oc["tomb"]})
            if oc["par"] is not None and oc["par"] not in comps:
                pc = st.get(f"c|{oc['par']}")
                if pc is not None:
                    pc["ch"] = [c for c in pc["ch"] if c != other]
                    st[f"c|{oc['par']}"] = pc
            if other != fresh_id:
                del st[f"c|{other}"]
        if base["par"] in comps:
            base["par"] = None
        base["ch"] = [c for c in base["ch"] if c not in comps]
        st[f"c|{keep}"] = base
        return keep

    def _choose_parent(self, comp_id: str) -> bool:
        """Attach a component to its best strictly more precise neighbour (or none).

        Returns whether the parent changed.
        """
        st = self.store
        comp = st.get(f"c|{comp_id}")
        if comp is None or (comp["rank"] >= MAX_RANK and comp["par"] is None):
            return False  # an exact, dated component has nothing more precise to join
        score: Counter[str] = Counter()
        agree: Counter[str] = Counter()
        for mid in comp["mem"]:
            m = st[f"m|{mid}"]
            for nid in m["lc"]:
                n = st.get(f"m|{nid}")
                if n is not None and n["c"] != comp_id:
                    score[n["c"]] += 1
                    if m["n"] is not None and m["n"] == n["n"]:
                        agree[n["c"]] += 1
        best, best_key, n_cands = None, None, 0
        for cand, s in score.items():
            cc = st[f"c|{cand}"]
            if cc["rank"] <= comp["rank"]:
                continue
            n_cands += 1
            key = (agree[cand], s, cc["dmax"] or "", _neg(cand))
            if best_key is None or key > best_key:
                best, best_key = cand, key
        if comp["dmax"] is None and n_cands > 1:
            best = None  # an undated report that fits two incidents is ambiguous: apart
        if best == comp["par"]:
            return False
        if comp["par"] is not None:
            old = st.get(f"c|{comp['par']}")
            if old is not None:
                old["ch"] = [c for c in old["ch"] if c != comp_id]
                st[f"c|{comp['par']}"] = old
        if best is not None:
            nb = st[f"c|{best}"]
            nb["ch"] = sorted({*nb["ch"], comp_id})
            st[f"c|{best}"] = nb
        comp["par"] = best
        st[f"c|{comp_id}"] = comp
        return True

    def _subtree(self, root: str) -> list[str]:
        out, todo = [], [root]
        while todo:
            c = todo.pop()
            out.append(c)
            todo.extend(self.store[f"c|{c}"]["ch"])
        return out

    def _members(self, root: str) -> list[dict]:
        st = self.store
        return [st[f"m|{mid}"] for c in self._subtree(root) for mid in st[f"c|{c}"]["mem"]]

    # -------------------------------------------------------------- emitting
    def _emit(self, candidates: set[str], dirty: set[str], into: str) -> list[dict]:
        """Tombstone incidents whose root stopped being a root; re-summarise dirty ones."""
        st = self.store
        out = []
        roots = []
        for root in sorted(candidates):
            comp = st.get(f"c|{root}")
            if comp is not None and comp["par"] is None:
                if root in dirty:
                    roots.append(root)
                continue
            iid = _incident_id(root)
            cur = st.get(f"i|{iid}")
            if cur is None:
                continue
            dest = self._root(root if comp is not None else into)
            out.append(
                {
                    **cur,
                    "version": cur["version"] + 1,
                    "status": "merged",
                    "merged_into": _incident_id(dest),
                    "count_best": 0,
                    "count_min": 0,
                    "count_max": 0,
                }
            )
            del st[f"i|{iid}"]
            self._unindex_incident(iid, cur)
            st[f"v|{iid}"] = cur["version"] + 1
            keeper = st[f"c|{dest}"]
            keeper["tomb"] = sorted({*keeper.get("tomb", []), iid})
            st[f"c|{dest}"] = keeper
        for root in roots:
            rec = self._summary(root)
            if rec is not None:
                out.append(rec)
        return out + self._resummarize_touched()

    def _resummarize_touched(self, always: Collection[tuple[str, str]] = ()) -> list[dict]:
        """An incident appeared at or left a place with references: whether the others
        there are the only one of their kind (for undated references) may have changed.
        Places in ``always`` lost a reference: their incidents are summarised again too."""
        st = self.store
        out = []
        while self._touched:
            part, pc = min(self._touched)
            self._touched.discard((part, pc))
            if (part, pc) not in always and not st.get(f"rp|{part}|{pc}"):
                continue
            for iid in sorted(st.get(f"ip|{part}|{pc}") or {}):
                rec = self._summary(iid[len("inc-") :])
                if rec is not None:
                    out.append(rec)
        return out

    def _summary(self, root: str) -> dict | None:
        """Recompute an incident; store and return it only if it changed."""
        st = self.store
        iid = _incident_id(root)
        members = self._members(root)
        cur = st.get(f"i|{iid}")
        rec = summarize(iid, members, self._canon(members), 1)
        self._cite(rec, members[0]["p"])
        if cur is not None:
            if {**cur, "version": 1} == rec:
                return None
            rec["version"] = cur["version"] + 1
        elif f"v|{iid}" in st:  # an id that was merged away and is a root again
            rec["version"] = st[f"v|{iid}"] + 1
            del st[f"v|{iid}"]
        st[f"i|{iid}"] = rec
        self._index_incident(iid, rec, cur)
        return rec

    # ------------------------------------------------------------ references
    def _cite(self, rec: dict, part: str) -> None:
        """Add to ``rec`` the articles of the references that point at it (no figures).

        A reference points at the incident of each kind at its exact place whose date
        is compatible (both dated: within the window; either undated: any). With two
        or more such incidents of a kind it points at the one reported by clearly the
        most independent articles (at least twice the runner-up), as a reader would
        take "the clashes in X" for the clashes everyone reported; otherwise at none.
        """
        st = self.store
        pc = _exact_pcode(rec)
        if pc is None:
            return
        rids = st.get(f"rp|{part}|{pc}")
        if not rids:
            return
        iid, kind = rec["incident_id"], rec["kind"]
        index = dict(st.get(f"ip|{part}|{pc}") or {})
        index[iid] = _index_entry(rec)  # this version, not the stored one
        rivals = [
            (e[1], _independent(rec if i == iid else st.get(f"i|{i}")), i)
            for i, e in index.items()
            if e[0] == kind
        ]
        have = set(rec["article_ids"])
        q = quarter(rec["region"].get("place"))
        added: dict[str, dict] = {}
        for rid in sorted(rids):
            r = st.get(f"r|{rid}")
            if r is None or r["art"] in have or r["art"] in added:
                continue
            if q and r["q"] and q != r["q"]:
                continue
            cands = sorted(
                ((n, i) for d, n, i in rivals if _dates_compatible(r["d"], d, self.config.date_window_days)),
                key=lambda c: (-c[0], c[1]),
            )
            if not cands or cands[0][1] != iid:
                continue
            if len(cands) > 1 and cands[0][0] < 2 * cands[1][0]:
                continue
            added[r["art"]] = r
        if not added:
            return
        rec["article_ids"] = sorted(have | set(added))
        cited = [
            {
                "article_id": aid,
                "reference_id": r["id"],
                "source": r["src"],
                "url": r["url"],
                "published_at": r["pub"],
                "count": None,
                "count_min": None,
                "count_max": None,
                "evidence": r["ev"] or None,
                "duplicate_of": None,
            }
            for aid, r in added.items()
        ]
        rec["sources"] = sorted(rec["sources"] + cited, key=lambda s: s["article_id"])

    def _index_incident(self, iid: str, rec: dict, old: dict | None) -> None:
        """Keep ``ip|P|<pcode>`` (live incidents by exact place, with kind and date) up to
        date; touch the place when it changes, or when the number of independent reports
        changes at a place with references (which incident is the main one may change)."""
        pc = _exact_pcode(rec)
        if old is not None and _exact_pcode(old) != pc:
            self._unindex_incident(iid, old)
        if pc is None:
            return
        part = rec["region"].get("admin1") or "none"  # the partition of its members
        key = f"ip|{part}|{pc}"
        index = self.store.get(key) or {}
        entry = _index_entry(rec)
        if index.get(iid) != entry:
            self.store[key] = {**index, iid: entry}
            self._touched.add((part, pc))
        elif _independent(rec) != _independent(old) and self.store.get(f"rp|{part}|{pc}"):
            self._touched.add((part, pc))

    def _unindex_incident(self, iid: str, rec: dict) -> None:
        pc = _exact_pcode(rec)
        if pc is None:
            return
        part = rec["region"].get("admin1") or "none"
        key = f"ip|{part}|{pc}"
        index = self.store.get(key) or {}
        if iid in index:
            rest = {i: e for i, e in index.items() if i != iid}
            if rest:
                self.store[key] = rest
            else:
                del self.store[key]
            self._touched.add((part, pc))

    def _append(self, key: str, value: str) -> None:
        self.store[key] = [*(self.store.get(key) or []), value]

    def _remove(self, key: str, values: Collection[str]) -> None:
        """Take ``values`` out of the list at ``key``; delete the key once the list is empty."""
        rest = [x for x in self.store.get(key) or [] if x not in values]
        if rest:
            self.store[key] = rest
        elif key in self.store:
            del self.store[key]

    def _canon(self, members: list[dict]) -> dict[str, str | None]:
        """Article id -> the earliest (then smallest-id) article it copies, or None."""
        st = self.store
        out: dict[str, str | None] = {}
        for m in members:
            aid = m["art"]
            if aid in out:
                continue
            art = st.get(f"a|{m['p']}|{aid}") or {}
            group = [(art.get("pub") or "~", aid)]
            for other in art.get("dups", []):
                oa = st.get(f"a|{m['p']}|{other}")
                if oa is not None:
                    group.append((oa.get("pub") or "~", other))
            first = min(group)[1]
            out[aid] = None if first == aid else first
        return out

    # --------------------------------------------------------------- indexes
    def _cutoff(self, now_date: str) -> str:
        return (date.fromisoformat(now_date[:10]) - timedelta(days=self.config.horizon_days)).isoformat()

    def _register_partition(self, part: str) -> None:
        parts = self.store.get("parts") or []
        if part not in parts:
            self.store["parts"] = sorted([*parts, part])

    def _register_article(self, mention: dict, part: str, mid: str) -> tuple[set[str], list[str]]:
        """Index the article on first sight; return its copies and the ones found now."""
        st = self.store
        aid = mention["article_id"]
        key = f"a|{part}|{aid}"
        art = st.get(key)
        fresh: list[str] = []
        if art is None:
            info = mention.get("article") or {}
            fp = info.get("fingerprint") or {}
            art = {
                "pub": info.get("published_at"),
                "th": fp.get("text_hash"),
                "uk": fp.get("url_key"),
                "bands": list(fp.get("lsh_bands") or []),
                "dups": [],
                "mids": [],
            }
            keys = self._copy_keys(art)
            cands = self._copy_candidates(part, keys)
            art["bk"] = self._index_article(part, aid, keys)
            cands.discard(aid)
            for other in sorted(cands):
                oa = st.get(f"a|{part}|{other}")
                if oa is None:
                    continue
                same = (art["th"] and art["th"] == oa["th"]) or (art["uk"] and art["uk"] == oa["uk"])
                if same or band_matches(art["bands"], oa["bands"]) >= self.config.dup_min_bands:
                    art["dups"].append(other)
                    fresh.append(other)
                    oa["dups"] = [*oa["dups"], aid]
                    st[f"a|{part}|{other}"] = oa
        art["mids"] = [*art["mids"], mid]
        st[key] = art
        return set(art["dups"]), fresh

    # The copy index: which live articles of a partition share an indexed LSH band, the text hash
    # or the URL key with a new one. It is kept in buckets of up to COPY_BUCKET_ARTICLES articles
    # (``ab|P|<n>``: {copy key: [article ids]}) listed in ``ab|P`` ({open, size, live}), not as a
    # key per band: an article then costs two writes (its bucket and the list, once per batch for
    # all the articles of a batch) instead of 18 at registration and 18 deletions at expiry,
    # every one a changelog record in the stream. The candidates found are the same set.
    def _copy_keys(self, art: dict) -> list[str]:
        keys = [f"b{b}" for b in art["bands"][: self.config.index_bands]]
        if art["th"]:
            keys.append(f"h{art['th']}")
        if art["uk"]:
            keys.append(f"l{art['uk']}")
        return keys

    def _copy_candidates(self, part: str, keys: list[str]) -> set[str]:
        st = self.store
        cands: set[str] = set()
        for n in (st.get(f"ab|{part}") or {}).get("live", []):
            bucket = st.get(f"ab|{part}|{n}")
            if not bucket:
                continue
            for k in keys:
                ids = bucket.get(k)
                if ids:
                    cands.update(ids)
        return cands

    def _index_article(self, part: str, aid: str, keys: list[str]) -> int:
        """Add the article to the open bucket (a new one when it is full); return the bucket number."""
        st = self.store
        meta = st.get(f"ab|{part}") or {"open": 0, "size": 0, "live": []}
        n, size, live = meta["open"], meta["size"], meta["live"]
        if size >= COPY_BUCKET_ARTICLES:
            n, size = n + 1, 0
        bkey = f"ab|{part}|{n}"
        bucket = dict(st.get(bkey) or {})
        for k in keys:
            bucket[k] = [*bucket.get(k, ()), aid]
        st[bkey] = bucket
        st[f"ab|{part}"] = {"open": n, "size": size + 1, "live": live if n in live else [*live, n]}
        return n

    def _unindex_article(self, part: str, aid: str, art: dict) -> None:
        st = self.store
        n = art.get("bk")
        if n is None:  # registered before the copy index had buckets: one key per band
            for k in self._copy_keys(art):
                self._remove(f"{k[0]}|{part}|{k[1:]}", {aid})
            return
        bkey = f"ab|{part}|{n}"
        bucket = dict(st.get(bkey) or {})
        for k in self._copy_keys(art):
            rest = [x for x in bucket.get(k, ()) if x != aid]
            if rest:
                bucket[k] = rest
            else:
                bucket.pop(k, None)
        if bucket:
            st[bkey] = bucket
            return
        # Its last article expired: drop the bucket, and the list when no bucket is left.
        if bkey in st:
            del st[bkey]
        meta = st.get(f"ab|{part}") or {"open": 0, "size": 0, "live": []}
        live = [x for x in meta["live"] if x != n]
        if live:
            st[f"ab|{part}"] = {**meta, "live": live}
        elif f"ab|{part}" in st:
            del st[f"ab|{part}"]

    def _candidates(self, rec: dict, dups: set[str]) -> list[str]:
        st = self.store
        part, kind = rec["p"], rec["k"]
        out: list[str] = []
        if rec["d"]:
            d0 = date.fromordinal(rec["dn"])
            w = self.config.date_window_days
            for off in range(-w, w + 1):
                out.extend(st.get(f"d|{part}|{kind}|{(d0 + timedelta(days=off)).isoformat()}") or [])
        else:  # undated: compatible with any date (rare in a live stream)
            for d in st.get(f"x|{part}") or []:
                out.extend(st.get(f"d|{part}|{kind}|{d}") or [])
        out.extend(st.get(f"u|{part}|{kind}") or [])
        for aid in sorted(dups):
            art = st.get(f"a|{part}|{aid}")
            if art is not None:
                out.extend(art["mids"])
        return list(dict.fromkeys(out))

    def _index(self, rec: dict) -> None:
        st = self.store
        part, kind = rec["p"], rec["k"]
        if rec["d"]:
            key = f"d|{part}|{kind}|{rec['d']}"
            st[key] = [*(st.get(key) or []), rec["id"]]
            dates = st.get(f"x|{part}") or []
            if rec["d"] not in dates:
                st[f"x|{part}"] = sorted([*dates, rec["d"]])
        else:
            key = f"u|{part}|{kind}"
            st[key] = [*(st.get(key) or []), rec["id"]]

    def _bucket_alive(self, part: str, d: str) -> bool:
        return any(self.store.get(f"d|{part}|{k}|{d}") for k in ("killed", "injured"))

    def _drop(self, members: list[dict]) -> None:
        """Delete expired members with their components and index entries."""
        st = self.store
        gone = {m["id"] for m in members}
        for m in members:
            part, kind = m["p"], m["k"]
            self._remove(f"d|{part}|{kind}|{m['d']}" if m["d"] else f"u|{part}|{kind}", gone)
            comp = st.get(f"c|{m['c']}")
            if comp is not None:
                for iid in comp.get("tomb", []):
                    if f"v|{iid}" in st:
                        del st[f"v|{iid}"]
                del st[f"c|{m['c']}"]
            akey = f"a|{part}|{m['art']}"
            art = st.get(akey)
            if art is not None:
                mids = [x for x in art["mids"] if x not in gone]
                if mids:
                    art["mids"] = mids
                    st[akey] = art
                else:
                    self._drop_article(part, m["art"], art)
            del st[f"m|{m['id']}"]

    def _drop_article(self, part: str, aid: str, art: dict) -> None:
        st = self.store
        self._unindex_article(part, aid, art)
        for other in art["dups"]:
            oa = st.get(f"a|{part}|{other}")
            if oa is not None:
                oa["dups"] = [x for x in oa["dups"] if x != aid]
                st[f"a|{part}|{other}"] = oa
        del st[f"a|{part}|{aid}"]


def _index_entry(rec: dict) -> list:
    """``[kind, event date]`` of an incident: what the place index keeps."""
    return [rec["kind"], rec["event_date"]]


def _independent(rec: dict | None) -> int:
    """Independent reports of an incident: its articles, copies and references not counted."""
    if rec is None:
        return 0
    return sum(1 for s in rec["sources"] if not s.get("reference_id") and not s.get("duplicate_of"))


def _dates_compatible(a: str | None, b: str | None, window: int) -> bool:
    if a is None or b is None:
        return True
    return abs(date.fromisoformat(a).toordinal() - date.fromisoformat(b).toordinal()) <= window


def _exact_pcode(rec: dict) -> str | None:
    region = rec.get("region") or {}
    return region.get("pcode") if region.get("precision") == "exact" else None


def _neg(s: str) -> tuple[int, ...]:
    """Sort key that prefers the smallest string under ``max``."""
    return (*(-ord(ch) for ch in s), _EMPTY)
