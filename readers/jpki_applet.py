"""Identifiers of the JPKI applet and its neighbours on the My Number Card (docs/protocol.md)."""

from __future__ import annotations

AID_JPKI = bytes.fromhex("D392F000260100000001")
AID_KENMEN = bytes.fromhex("D3921000310001010408")  # 券面事項入力補助AP
AID_CARD_FACE = bytes.fromhex("D3921000310001010402")  # 券面事項確認AP
AID_JUKI = bytes.fromhex("D3921000310001010100")  # 住基AP (sources disagree: see AID_JUKI_ALT)
AID_JUKI_ALT = bytes.fromhex("D3921000310001010401")

EF_TOKEN_INFO = 0x0006
EF_CERT_AVAILABILITY = 0x0008
EF_AUTH_CERT = 0x000A
EF_AUTH_CA = 0x000B
EF_SIGN_CERT = 0x0001
EF_SIGN_CA = 0x0002
EF_AUTH_KEY = 0x0017
EF_SIGN_KEY = 0x001A
EF_AUTH_PIN = 0x0018
EF_SIGN_PIN = 0x001B
EF_KENMEN_PIN = 0x0011
EF_JUKI_PIN = 0x001C
# The card-info input application's data files (read by public clients after its PIN).
EF_KENMEN_NUMBER = 0x0001  # the individual number (個人番号), TLV DF 10 / FF 10
EF_KENMEN_ATTRIBUTES = 0x0002  # the four attributes, TLV FF 20 { DF 21 offsets, DF 22 .. DF 25 }

TOKEN_LABEL_LENGTH = 32
DER_SEQUENCE = b"\x30"  # every certificate file starts with one
ATTRIBUTES_TAG = b"\xff\x20"

# DER DigestInfo prefixes by hash name: the host hashes, the card pads and signs (docs/protocol.md).
DIGEST_INFO_PREFIXES = {
    "sha256": bytes.fromhex("3031300D060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300D060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300D060960864801650304020305000440"),
    "sha1": bytes.fromhex("3021300906052B0E03021A05000414"),
}
SHA256_PREFIX = DIGEST_INFO_PREFIXES["sha256"]

_AP_NAMES = {
    AID_JPKI: "JPKI AP",
    AID_KENMEN: "card-info input AP",
    AID_CARD_FACE: "card-face AP",
    AID_JUKI: "resident-registry AP",
    AID_JUKI_ALT: "resident-registry AP (alt)",
}
_EF_NAMES = {
    EF_TOKEN_INFO: "token info",
    EF_CERT_AVAILABILITY: "certificate availability",
    EF_AUTH_CERT: "auth certificate",
    EF_AUTH_CA: "auth CA certificate",
    EF_SIGN_CERT: "signing certificate",
    EF_SIGN_CA: "signing CA certificate",
    EF_AUTH_KEY: "auth key",
    EF_SIGN_KEY: "signing key",
    EF_AUTH_PIN: "auth PIN",
    EF_SIGN_PIN: "signing PIN",
    EF_KENMEN_PIN: "card-info PIN",
    EF_JUKI_PIN: "resident-registry PIN",
}


def describe(command: bytes) -> str:
    """A short human name for a command, for the notes of recordings and logs (no data)."""
    if len(command) < 4:
        return "malformed"
    _cla, ins, p1, p2 = command[:4]
    body = command[5:] if len(command) > 5 else b""
    if ins == 0xA4 and p1 == 0x04:
        return f"SELECT {_AP_NAMES.get(bytes(body), 'unknown AP')}"
    if ins == 0xA4 and p1 == 0x02 and len(body) == 2:
        fid = int.from_bytes(body, "big")
        return f"SELECT EF {fid:04X} {_EF_NAMES.get(fid, '')}".rstrip()
    names = {
        0xB0: f"READ BINARY at {(p1 << 8) | p2}",
        0x20: "VERIFY" if len(command) > 5 else "VERIFY (tries query)",
        0x24: "CHANGE REFERENCE DATA",
        0x2C: "RESET RETRY COUNTER",
        0x84: "GET CHALLENGE",
        0x82: "EXTERNAL AUTHENTICATE",
        0x2A: "COMPUTE DIGITAL SIGNATURE",
        0xC0: "GET RESPONSE",
    }
    return names.get(ins, f"INS {ins:02X}")
