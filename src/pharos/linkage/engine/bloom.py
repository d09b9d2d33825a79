"""Keyed, hardened Bloom-filter encodings of identifiers (the data holder's side of PPRL).

Every bit position comes from HMAC-SHA256 under a key derived from the secret the data
holders share (the linkage unit never has it), so nobody without the secret can encode a
candidate name to compare with the encodings (no dictionary attack). Against the frequency
attack, where an adversary lines up the most frequent encodings with the most frequent
names of a name list, three hardenings are applied (LINKAGE.md §4, Christen et al.):

- **salting** (optional, off by default, see ``Hardening``): name tokens hashed together with
  the year of birth, so one name born in forty years gives forty unrelated filters;
- **balancing**: each filter is followed by a keyed permutation of its complement, so every
  filter has exactly half its bits set (no length or frequency signal in the weight);
- **BLIP** (randomised response): every bit is flipped with a small probability, so two
  encodings of one value are almost never identical.

Positions are computed once per distinct (salt, token) and filters once per distinct
(value, salt), which keeps a million records to a few seconds of numpy.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SCHEMA = "pharos-pprl/1"


@dataclass(frozen=True)
class FieldSpec:
    """A Bloom filter: ``bits`` before balancing, ``k`` positions per token."""

    bits: int
    k: int


@dataclass(frozen=True)
class Hardening:
    # Salting names with the year of birth is off by default: in a Fellegi-Sunter model it
    # makes every name level carry the year too, counted again by the date comparison; at a
    # million records precision fell to 0.13 (ADR 0007). Balancing and BLIP stay on.
    salt_names: bool = False
    balance: bool = True
    flip: float = 0.01  # BLIP: probability of flipping each bit; 0 for none

    @property
    def label(self) -> str:
        if not (self.salt_names or self.balance or self.flip):
            return "none"
        parts = [p for p, on in (("salt", self.salt_names), ("balance", self.balance)) if on]
        if self.flip:
            parts.append(f"blip {self.flip:g}")
        return " + ".join(parts)


NAME = FieldSpec(bits=256, k=12)
DATE = FieldSpec(bits=128, k=8)
UNHARDENED = Hardening(salt_names=False, balance=False, flip=0.0)


def derive(secret: bytes, purpose: str) -> bytes:
    """A sub-key for one purpose, so a leak of one kind of hash says nothing of another."""
    return hmac.new(secret, f"{SCHEMA}/{purpose}".encode(), hashlib.sha256).digest()


def check_value(secret: bytes) -> str:
    """A short fingerprint of the secret: equal for holders of the same secret, reveals nothing."""
    return derive(secret, "check").hex()[:16]


def keyed_ints(secret: bytes, purpose: str, values: Sequence[str | None]) -> list[int | None]:
    """64-bit keyed hashes (as signed ints, for Parquet and SQL) of text values; None stays None."""
    key = derive(secret, purpose)
    cache: dict[str, int] = {}
    out: list[int | None] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        found = cache.get(value)
        if found is None:
            digest = hmac.new(key, value.encode(), hashlib.sha256).digest()
            found = int.from_bytes(digest[:8], "big", signed=True)
            cache[value] = found
        out.append(found)
    return out


def bigrams(text: str) -> list[str]:
    padded = f"_{text}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


class Encoder:
    """Builds filters for one field; ``encode`` maps token lists (with salts) to bit rows."""

    def __init__(self, secret: bytes, purpose: str, spec: FieldSpec, hardening: Hardening) -> None:
        self.key = derive(secret, f"bloom/{purpose}")
        self.spec = spec
        self.hardening = hardening
        self._positions: dict[tuple[str, str], np.ndarray] = {}
        rng = np.random.default_rng(int.from_bytes(derive(secret, f"perm/{purpose}")[:8], "big"))
        self.permutation = rng.permutation(spec.bits)

    def positions(self, salt: str, token: str) -> np.ndarray:
        found = self._positions.get((salt, token))
        if found is None:
            digest = hmac.new(self.key, f"{salt}\x1f{token}".encode(), hashlib.sha256).digest()
            h1 = int.from_bytes(digest[:8], "big")
            h2 = int.from_bytes(digest[8:16], "big") | 1
            found = np.array([(h1 + i * h2) % self.spec.bits for i in range(self.spec.k)], dtype=np.int64)
            self._positions[(salt, token)] = found
        return found

    def encode(self, items: Sequence[tuple[str, Sequence[str]] | None]) -> np.ndarray:
        """One bit row (``uint8`` 0/1) per item ``(salt, tokens)``; all zero for None."""
        rows: list[int] = []
        cols: list[np.ndarray] = []
        for index, item in enumerate(items):
            if item is None:
                continue
            salt, tokens = item
            for token in tokens:
                p = self.positions(salt, token)
                cols.append(p)
                rows.append(index)
        bits = np.zeros((len(items), self.spec.bits), dtype=np.uint8)
        if cols:
            counts = np.array([len(c) for c in cols])
            bits[np.repeat(np.array(rows), counts), np.concatenate(cols)] = 1
        return bits

    def balanced(self, bits: np.ndarray) -> np.ndarray:
        """Append the keyed permutation of the complement (if balancing is on)."""
        if not self.hardening.balance:
            return bits
        return np.concatenate([bits, 1 - bits[:, self.permutation]], axis=1)

    def per_record(
        self, rows: np.ndarray, which: np.ndarray, rng: np.random.Generator, chunk: int = 65_536
    ) -> np.ndarray:
        """Packed words for each record: row ``which[i]`` of ``rows`` (-1 for none), flipped by BLIP."""
        width = rows.shape[1]
        out = np.zeros((len(which), width // 64), dtype=np.int64)
        for start in range(0, len(which), chunk):
            index = which[start : start + chunk]
            bits = rows[np.maximum(index, 0)]
            if self.hardening.flip:
                flat = bits.reshape(-1)
                spots = rng.integers(0, flat.size, rng.binomial(flat.size, self.hardening.flip))
                flat[spots] ^= 1
            bits[index < 0] = 0
            out[start : start + chunk] = pack_words(bits)
        return out


def pack_words(bits: np.ndarray) -> np.ndarray:
    """Bit rows → rows of signed 64-bit words (DuckDB ``bit_count`` and ``&`` work on them)."""
    packed = np.packbits(bits, axis=1)
    return packed.view(">u8").astype(np.uint64).view(np.int64)


def dice(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sørensen-Dice of packed rows (for tests and the attack); 0 where both are empty."""
    both = np.bitwise_count(a.view(np.uint64) & b.view(np.uint64)).sum(axis=1)
    total = np.bitwise_count(a.view(np.uint64)).sum(axis=1) + np.bitwise_count(b.view(np.uint64)).sum(axis=1)
    return np.where(total > 0, 2 * both / np.maximum(total, 1), 0.0)
