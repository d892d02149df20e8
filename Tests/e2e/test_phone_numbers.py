"""Crier's reading of phone numbers against libphonenumber's (Python `phonenumbers`), through
`crier phone --json` as an operator would run it, on 20,000 generated strings across every
region: under 0.1% may disagree, and every disagreement is listed.

The referee's verdict: Crier texts a number when libphonenumber parses it, calls it valid and
of type MOBILE (or FIXED_LINE_OR_MOBILE, North America's), and no extension follows it; then
E.164 and both written forms must match. Anything else Crier must refuse. The one deliberate
difference, Ofcom's drama range 07700 900xxx (Crier accepts it for training), is left out of
the generated strings and has its own test.
"""
import json
import random
import subprocess
from collections import defaultdict

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as F, PhoneNumberType as T

from conftest import crier_bin

SAMPLES = 20_000
MOBILE = {T.MOBILE, T.FIXED_LINE_OR_MOBILE}
TYPES = [T.MOBILE, T.FIXED_LINE, T.TOLL_FREE, T.PREMIUM_RATE, T.VOIP, T.PERSONAL_NUMBER, T.PAGER, T.UAN, T.SHARED_COST]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def referee(text, region):
    try:
        n = pn.parse(text, region)
    except pn.NumberParseException:
        return {"texts": False}
    verdict = {"texts": pn.is_valid_number(n) and pn.number_type(n) in MOBILE and not n.extension}
    if verdict["texts"]:
        verdict.update(e164=pn.format_number(n, F.E164), national=pn.format_number(n, F.NATIONAL),
                       international=pn.format_number(n, F.INTERNATIONAL))
    return verdict


def seeds(rng, region):
    """A real number of the region: an example of some type with its last digits changed, or
    (a quarter of the time) digits of a random length, which libphonenumber mostly refuses."""
    if rng.random() < 0.25:
        return pn.country_code_for_region(region), "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 13)))
    kind = T.MOBILE if rng.random() < 0.5 else rng.choice(TYPES)
    example = pn.example_number_for_type(region, kind) or pn.example_number(region)
    if example is None:
        return pn.country_code_for_region(region), str(rng.randint(10**6, 10**9))
    nsn = pn.national_significant_number(example)
    keep = rng.randint(max(1, len(nsn) - 4), len(nsn))
    nsn = nsn[:keep] + "".join(rng.choice("0123456789") for _ in range(len(nsn) - keep))
    if rng.random() < 0.1:  # a digit too many or too few
        nsn = nsn + rng.choice("0123456789") if rng.random() < 0.5 else nsn[:-1]
    return example.country_code, nsn


def spelling(rng, region, cc, nsn):
    """How someone might type it: E.164, international, national, with an IDD, punctuated,
    in full-width digits, as a tel: URI, or with an extension."""
    e164 = f"+{cc}{nsn}"
    try:
        n = pn.parse(e164, None)
        forms = [pn.format_number(n, F.NATIONAL), pn.format_number(n, F.INTERNATIONAL)]
    except pn.NumberParseException:
        forms = [nsn]
    idd = {"US": "011", "CA": "011", "AU": "0011", "JP": "010"}.get(region, "00")
    text = rng.choice([e164, e164, *forms, f"{idd} {cc} {nsn}", f"{cc}{nsn}", nsn, "0" + nsn,
                       f"+{cc} (0){nsn}", "-".join([nsn[:3], nsn[3:6], nsn[6:]])])
    twist = rng.random()
    if twist < 0.04:
        text = text.translate(FULL_WIDTH)
    elif twist < 0.07:
        text = f"tel:{e164}"
    elif twist < 0.10:
        text = text + rng.choice([" x12", " ext. 345", ";ext=9", " #77"])
    return text


def generate(seed=20261202):
    rng = random.Random(seed)
    regions = sorted(pn.SUPPORTED_REGIONS)
    cases = []
    while len(cases) < SAMPLES:
        region = rng.choice(regions)
        cc, nsn = seeds(rng, region)
        text = spelling(rng, region, cc, nsn)
        if "7700900" in text.replace(" ", ""):
            continue  # the drama range: see test_the_drama_range_is_the_one_deliberate_difference
        cases.append((region, text))
    return cases


def crier_readings(cases):
    by_region = defaultdict(list)
    for region, text in cases:
        by_region[region].append(text)
    readings = {}
    for region, texts in by_region.items():
        out = subprocess.run([crier_bin(), "phone", "--json", "--region", region], input="\n".join(texts) + "\n",
                             capture_output=True, text=True, timeout=60, check=True).stdout.splitlines()
        assert len(out) == len(texts), (region, len(out), len(texts))
        for text, line in zip(texts, out):
            readings[(region, text)] = json.loads(line)
    return readings


def test_crier_agrees_with_libphonenumber_on_20000_strings():
    cases = generate()
    assert len(cases) == SAMPLES and len({r for r, _ in cases}) > 200
    ours = crier_readings(cases)
    disagreements = []
    texted = 0
    for region, text in cases:
        theirs, mine = referee(text, region), ours[(region, text)]
        texted += theirs["texts"]
        if theirs["texts"] != mine["texts"]:
            disagreements.append(f"[{region}] {text!r}: libphonenumber {'texts' if theirs['texts'] else 'refuses'}"
                                 f" {theirs.get('e164', '')}, Crier {mine.get('e164', '')} {mine.get('error', 'texts')}")
            continue
        for field in ("e164", "national", "international") if theirs["texts"] else ():
            if theirs.get(field) != mine.get(field):
                disagreements.append(f"[{region}] {text!r}: {field} {theirs.get(field)!r} vs Crier {mine.get(field)!r}")
                break
    print(f"{len(cases)} strings, {texted} mobiles by libphonenumber, {len(disagreements)} disagreements")
    for line in disagreements:
        print("  " + line)
    assert texted > SAMPLES // 5, "the generator should give plenty of real mobiles"
    assert len(disagreements) < SAMPLES * 0.001, "\n".join(disagreements)


def test_the_drama_range_is_the_one_deliberate_difference():
    out = subprocess.run([crier_bin(), "phone", "--json", "07700 900123", "+447700900999"],
                         capture_output=True, text=True, timeout=30)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [l["e164"] for l in lines if l["texts"]] == ["+447700900123", "+447700900999"]
    assert not pn.is_valid_number(pn.parse("+447700900123"))


def test_reasons_say_what_is_wrong():
    out = subprocess.run([crier_bin(), "phone", "--region", "GB", "020 7946 0018", "07700 12", "+999 1234 5678",
                          "0161 496 0000 ext. 12", "07911 123456 x12", "call me"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    reasons = [line.split("\t")[-1] for line in out.stdout.splitlines()]
    assert reasons == [
        "Mobile is a landline: it cannot receive texts",
        "Mobile is too short to be a phone number",
        "Mobile starts with +999, which is no country's calling code",
        "Mobile is a landline: it cannot receive texts",
        "Mobile is a number with an extension: it cannot receive texts",
        "Mobile must be a phone number: digits, spaces and + ( ) - . only",
    ], reasons
    swiss = subprocess.run([crier_bin(), "phone", "--region", "CH", "079 123 45 67"], capture_output=True, text=True)
    assert swiss.returncode == 0 and "+41791234567" in swiss.stdout
    bad_region = subprocess.run([crier_bin(), "phone", "--region", "XX", "1"], capture_output=True, text=True)
    assert bad_region.returncode != 0 and "--region XX" in bad_region.stderr
