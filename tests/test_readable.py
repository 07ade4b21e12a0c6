"""The generated code reads like a hand-written SDK: what a user reads there is checked over generated/."""

from __future__ import annotations

import pytest

from generator.ir.names import indefinite


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("AsyncAction", "an AsyncAction"),
        ("Voucher", "a Voucher"),
        ("`OrdersImportAction`", "an `OrdersImportAction`"),
        ("`CampaignVouchersDeleteAction`", "a `CampaignVouchersDeleteAction`"),
        ("enum", "an enum"),
        ("model", "a model"),
        ("union", "a union"),  # a vowel letter, a consonant sound
        ("UserProfile", "a UserProfile"),
        ("European", "a European"),
        ("hour", "an hour"),  # the reverse
        ("Item", "an Item"),
    ],
)
def test_indefinite_article(word: str, expected: str) -> None:
    assert indefinite(word) == expected
    assert indefinite(word, start=True) == expected[0].upper() + expected[1:]
