"""The event stores' cipher: AES-GCM with one key schedule, in the byte layout eventsourcing's ciphers use."""

from __future__ import annotations

import pytest
from eventsourcing.cryptography import AESCipher

from services.runtime.cipher import StoreCipher

KEY = {"CIPHER_KEY": StoreCipher.create_key(32)}
PLAIN = "王敏 13800000000 信访件".encode() * 20


def test_what_either_cipher_wrote_the_other_reads() -> None:
    ours, theirs = StoreCipher(KEY), AESCipher(KEY)
    assert theirs.decrypt(ours.encrypt(PLAIN)) == PLAIN
    assert ours.decrypt(theirs.encrypt(PLAIN)) == PLAIN


def test_each_encryption_has_its_own_nonce_and_hides_the_text() -> None:
    cipher = StoreCipher(KEY)
    first, second = cipher.encrypt(PLAIN), cipher.encrypt(PLAIN)
    assert first[:12] != second[:12] and "王敏".encode() not in first


@pytest.mark.parametrize("damage", ["flip", "short", "other key"])
def test_damaged_or_foreign_text_is_refused(damage: str) -> None:
    sealed = StoreCipher(KEY).encrypt(PLAIN)
    if damage == "flip":
        text, cipher = sealed[:40] + bytes([sealed[40] ^ 1]) + sealed[41:], StoreCipher(KEY)
    elif damage == "short":
        text, cipher = sealed[:20], StoreCipher(KEY)
    else:
        text, cipher = sealed, StoreCipher({"CIPHER_KEY": StoreCipher.create_key(32)})
    with pytest.raises(ValueError, match=r"[Dd]amaged"):
        cipher.decrypt(text)
