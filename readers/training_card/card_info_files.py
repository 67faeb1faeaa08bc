"""The card-info input application's two data files, in the layout public clients read:
the individual number as one TLV (private tag 16: ``FF 10 0C`` and twelve digits) and the four
attributes as ``FF 20`` holding ``DF 21`` (the offsets of the items that follow) and ``DF 22``
name, ``DF 23`` address, ``DF 24`` birth date, ``DF 25`` sex, in UTF-8.
"""

from __future__ import annotations

from readers.training_card.profiles import ADDRESS, BIRTH_DATE, INDIVIDUAL_NUMBER, SEX


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes((size,))
    if size <= 0xFF:
        return bytes((0x81, size))
    return bytes((0x82,)) + size.to_bytes(2, "big")


def _tlv(tag: bytes, value: bytes) -> bytes:
    return tag + _length(len(value)) + value


def individual_number_record(number: str = INDIVIDUAL_NUMBER) -> bytes:
    return _tlv(b"\xff\x10", number.encode("ascii"))


def attribute_record(
    name: str, address: str = ADDRESS, birth_date: str = BIRTH_DATE, sex: str = SEX
) -> bytes:
    items = [
        _tlv(bytes((0xDF, tag)), text.encode())
        for tag, text in zip(range(0x22, 0x26), (name, address, birth_date, sex), strict=True)
    ]
    # DF 21 lists where each item starts, counted from the start of the file; it comes first, so
    # its own size (four two-byte offsets, 3 bytes of header) is known before the offsets are.
    offsets_size = 3 + 2 * len(items)
    body_size = offsets_size + sum(len(item) for item in items)
    header_size = 2 + len(_length(body_size))
    offsets, at = b"", header_size + offsets_size
    for item in items:
        offsets += at.to_bytes(2, "big")
        at += len(item)
    return _tlv(b"\xff\x20", _tlv(b"\xdf\x21", offsets) + b"".join(items))
