"""Article fingerprints: exact and near-duplicate keys computed once, at extraction.

Why here and not in the dedup stage: the extract agent already has the whole
article; dedup only sees mentions. So the extract stage attaches a small
fingerprint to every mention and dedup compares fingerprints, never texts.

* ``text_hash``: hash of the normalised body (diacritics, letter variants,
  digits, case and whitespace folded) -- the same article delivered twice or
  re-published verbatim under another id or URL.
* ``url_key``: hash of the canonical URL (scheme, ``www.``/``m.``/``amp.``,
  tracking parameters, fragment, trailing slash and AMP suffixes removed).
* ``lsh_bands``: 32 band hashes of a 64-slot one-permutation MinHash over word
  3-shingles of the normalised body. Two articles with Jaccard similarity ``J``
  share each band with probability about ``J**2``; syndicated copies and light
  rewrites (J >= 0.5) share many bands, unrelated articles almost none.
  One-permutation hashing costs one hash per shingle (not one per shingle and
  permutation), which keeps a 5 KB article well under a millisecond in pure
  Python.

The headline is left out of the body keys on purpose: the same wire story is
often re-published under another headline. It is used only when the body is
too short to shingle.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from streams.text.normalize import normalize_text

__all__ = [
    "BANDS",
    "ROWS",
    "article_fingerprint",
    "band_matches",
    "canonical_url",
]

BANDS = 32
ROWS = 2
_SLOTS = BANDS * ROWS  # 64 = 2**6 slots, chosen by the top 6 bits of a shingle hash
_SLOT_SHIFT = 58
_VALUE_MASK = (1 << _SLOT_SHIFT) - 1
_MASK64 = (1 << 64) - 1
_MIX1 = 0x9E3779B97F4A7C15
_MIX2 = 0xBF58476D1CE4E5B9
_MIX3 = 0x94D049BB133111EB
_SHINGLE = 3

_WORD = re.compile(r"\w+")
_TRACKING = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|mc_[a-z]+|ref|ref_src|ref_url|src|source|amp|output|"
    r"s|share|igshid|at_medium|at_campaign|__twitter_impression|cmpid|ito)$"
)
_HOST_PREFIX = re.compile(r"^(?:www\d?|m|amp|mobile)\.")
_AMP_PATH = re.compile(r"(?:/amp/?|\.amp|/amp\.html)$")


def _hash64(text: str) -> int:
    """A stable 64-bit hash (``hash()`` is salted per process, so never use it here)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def canonical_url(url: str | None) -> str | None:
    """Fold the URL variants under which one article circulates into one string.

    Returns ``None`` for an empty or unparsable URL.
    """
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host:
        return None
    host = _HOST_PREFIX.sub("", host)
    path = _AMP_PATH.sub("", parts.path or "").rstrip("/") or "/"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k.lower())
    ]
    query.sort()
    return urlunsplit(("https", host, path, urlencode(query), ""))


def _fmix(h: int) -> int:
    """splitmix64 finaliser: spreads the bits of a combined shingle hash."""
    h = ((h ^ (h >> 30)) * _MIX2) & _MASK64
    h = ((h ^ (h >> 27)) * _MIX3) & _MASK64
    return h ^ (h >> 31)


def _minhash_slots(words: list[str]) -> list[int] | None:
    """One-permutation MinHash with rotation densification; None if no words."""
    if not words:
        return None
    crc = zlib.crc32
    wh = [crc(w.encode("utf-8")) for w in words]
    n = len(wh)
    if n < _SHINGLE:
        shingles = [sum(wh)]
    else:
        shingles = [
            (wh[i] * _MIX1 + wh[i + 1] * 0x100000001B3 + wh[i + 2]) & _MASK64 for i in range(n - _SHINGLE + 1)
        ]
    slots: list[int | None] = [None] * _SLOTS
    for s in set(shingles):
        h = _fmix(s)
        b = h >> _SLOT_SHIFT
        v = h & _VALUE_MASK
        cur = slots[b]
        if cur is None or v < cur:
            slots[b] = v
    # Densify: an empty slot borrows the next filled slot's value (circularly),
    # tagged with the distance so borrowed values differ from real ones.
    out = [0] * _SLOTS
    for i in range(_SLOTS):
        v = slots[i]
        if v is not None:
            out[i] = v
            continue
        d = 1
        while slots[(i + d) % _SLOTS] is None:
            d += 1
        out[i] = (slots[(i + d) % _SLOTS] + d * _MIX1) & _MASK64  # type: ignore[operator]
    return out


def article_fingerprint(title: str | None, body: str, url: str | None) -> dict:
    """Fingerprint one article for deduplication (see the module docstring).

    Args:
        title: headline, or None. Used only if the body has fewer than 3 words.
        body: article text.
        url: article URL, or None.

    Returns:
        ``{"text_hash": str, "url_key": str | None, "lsh_bands": [32 x str]}``;
        ``lsh_bands`` is empty when neither body nor title has a word.
    """
    norm = normalize_text(body or "")
    words = _WORD.findall(norm)
    if len(words) < _SHINGLE and title:
        words = _WORD.findall(normalize_text(title)) + words
    text_hash = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=10).hexdigest()
    canon = canonical_url(url)
    url_key = hashlib.blake2b(canon.encode("utf-8"), digest_size=10).hexdigest() if canon else None
    slots = _minhash_slots(words)
    bands: list[str] = []
    if slots is not None:
        for b in range(BANDS):
            a, c = slots[b * ROWS], slots[b * ROWS + 1]
            bands.append(f"{b:02d}{zlib.crc32(f'{a}.{c}'.encode()):08x}")
    return {"text_hash": text_hash, "url_key": url_key, "lsh_bands": bands}


def band_matches(a: list[str] | None, b: list[str] | None) -> int:
    """How many LSH bands two fingerprints share (each band carries its position)."""
    if not a or not b:
        return 0
    return len(set(a).intersection(b))
