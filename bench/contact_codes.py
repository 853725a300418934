"""How well 受付番号 check symbols refuse guesses and slips (README, Contact page).

    python bench/contact_codes.py

Random 7-symbol strings of the alphabet (a caller inventing a code) and issued
codes with one symbol changed (a slip when reading aloud or typing), with a
fixed seed.
"""
import random

from helpcenter.contact import code

rnd = random.Random(1)
SECRET = "bench-secret"
guesses = ["".join(rnd.choice(code.ALPHABET) for _ in range(code.LENGTH)) for _ in range(200_000)]
accepted = sum(code.verify(g, SECRET) is not None for g in guesses)
print(f"random guesses passing the check: {accepted:,} of {len(guesses):,} = {accepted / len(guesses):.4%} "
      f"(1 in {len(code.ALPHABET) ** code.CHECK} expected)")
slips = caught = 0
for _ in range(100_000):
    c = code.new(SECRET, rnd.randrange).replace("-", "")
    i = rnd.randrange(code.LENGTH)
    other = rnd.choice([a for a in code.ALPHABET if a != c[i]])
    slips += 1
    caught += code.verify(c[:i] + other + c[i + 1:], SECRET) is None
print(f"one-symbol slips caught: {caught:,} of {slips:,} = {caught / slips:.2%}")
