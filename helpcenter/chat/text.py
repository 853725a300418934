"""Text helpers of the chatbot: small talk, answer summaries, matching a typed
reply to the buttons offered. Pure functions, no index and no Flask.
"""
from __future__ import annotations

import re
import unicodedata

from ..search.analysis import bigrams, fold

SUMMARY_CHARS = 200

# --- small talk ---------------------------------------------------------------
# Set phrases of greeting, thanks, apology and leave-taking. A message that is
# nothing but these (and punctuation, emoji, polite endings) is small talk; a
# message that also asks something is answered for the rest of it
# (「こんにちは、SMSが届きません」).
_SMALLTALK = {
    "greeting": ("こんにちは", "こんにちわ", "こんばんは", "こんばんわ", "おはようございます", "おはよう",
                 "はじめまして", "初めまして", "お世話になります", "お世話になっております", "お世話になってます",
                 "お疲れ様です", "お疲れさまです", "よろしくお願いいたします", "よろしくお願いします",
                 "よろしくおねがいします", "宜しくお願いします", "よろしくです", "よろしく", "どうも", "もしもし",
                 "すみません", "すいません", "失礼します", "hello", "hi", "hey"),
    "thanks": ("ありがとうございました", "ありがとうございます", "ありがとう", "有難うございます", "有難う",
               "サンキュー", "助かりました", "助かります", "解決しました", "わかりました", "分かりました",
               "了解しました", "了解です", "了解", "承知しました", "thanks", "thank you", "thx"),
    "bye": ("さようなら", "さよなら", "失礼しました", "またね", "バイバイ", "bye"),
}
_FILLER = re.compile(r"[\s、。，．・！!？?…〜~ー\-wｗ笑♪☆★]+|です|ます|ね|よ|な|です|でした")
_SYMBOLS = re.compile(r"[^\w]+", re.UNICODE)


def _squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    # emoji and other symbols say nothing here
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN" or ch.isspace() or ch in "、。!?！？")


def smalltalk(message: str) -> tuple[str | None, str]:
    """(kind, rest): kind is greeting/thanks/bye when the message contains set
    phrases, and rest is what is left of it (empty: nothing else was said)."""
    text = _squash(message)
    kind = None
    phrases = sorted(((p, k) for k, ps in _SMALLTALK.items() for p in ps), key=lambda t: -len(t[0]))
    for phrase, k in phrases:
        if phrase.isascii():
            pattern = re.compile(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])")
        else:
            pattern = re.compile(re.escape(phrase))
        if pattern.search(text):
            text = pattern.sub(" ", text)
            kind = kind or k
            if k == "thanks":
                kind = "thanks"
    rest = " ".join(text.split()).strip("、。,.!?！？ ")
    if kind is None:
        return None, message.strip()
    if not _FILLER.sub("", rest):
        return kind, ""
    return kind, rest


def is_meaningless(message: str) -> bool:
    """Nothing but symbols, emoji or punctuation (「？？？」, 「😂」)."""
    return not any(unicodedata.category(ch)[0] in "LN" for ch in message)


# --- summaries ----------------------------------------------------------------
_STEP = re.compile(r"[\u2460-\u2473]")  # ①..⑳
_SENTENCE = re.compile(r".+?(?:[。！？!?](?=\s|$|[^」』）)])|$)", re.S)


def sentences(text: str) -> list[str]:
    out = []
    for m in _SENTENCE.finditer(text):
        s = m.group(0).strip()
        if s:
            out.append(s)
    return out


def summarize(plain: str, limit: int = SUMMARY_CHARS) -> str:
    """The first steps of an answer as plain text, at most `limit` characters.

    The answer's first sentence, then its numbered steps (①②③…, the first
    sentence of each) while they fit; without steps, its first sentences.
    Cut with 「…」 only when even the first sentence is too long. Each step
    starts a new line, so that the chat shows ①②③ one under the other.
    """
    plain = " ".join((plain or "").split())
    if not plain:
        return ""
    parts: list[str] = []
    first_step = _STEP.search(plain)
    lead_text = plain[:first_step.start()] if first_step else plain
    lead = sentences(lead_text)
    if lead:
        parts.append(lead[0])
    if first_step:
        steps = [plain[m.start():] for m in _STEP.finditer(plain)]
        for i, s in enumerate(steps):
            nxt = _STEP.search(s, 1)
            step = s[:nxt.start()] if nxt else s
            first = sentences(step)
            if first:
                parts.append(first[0])
    else:
        parts.extend(lead[1:])
    out = ""
    for p in parts:
        candidate = (out + ("\n" if _STEP.match(p) else " ") + p).strip() if out else p
        if len(candidate) > limit:
            break
        out = candidate
    if not out:
        out = parts[0][:limit - 1].rstrip() + "…" if parts else plain[:limit - 1] + "…"
    return out


# --- typed replies to buttons -------------------------------------------------
_ENDINGS = re.compile(r"(です|でした|だよ|だ|ですね|かな|かも|と思います|と思う|です。)$")
_TRIM = re.compile(r"[\s、。，．！!？?「」『』（）()【】\[\]…・]+")


def core(text: str) -> str:
    """Folded text without punctuation and polite endings: for comparing a typed
    reply with a button label (「SMSです。」 ~ 「SMS認証」)."""
    t = _TRIM.sub("", fold(text))
    for _ in range(2):
        t2 = _ENDINGS.sub("", t)
        if t2 == t:
            break
        t = t2
    return t


def match_label(message: str, labels: list[str], partial: bool = True) -> int | None:
    """The index of the label a typed message picks, or None.

    A number (1, ２, ③) picks that button; otherwise the label equal to the
    message, or the only label containing it (or contained in it); otherwise
    the label sharing clearly the most character bigrams with it. With
    `partial` False (buttons that are whole questions), the message must be
    at least half of the label: 「SMSです」 must not pick 「SMSが届きません。」.
    """
    if not labels:
        return None
    raw = unicodedata.normalize("NFKC", message).strip().rstrip("。.番つ目")
    if raw.isdigit() and 1 <= int(raw) <= len(labels):
        return int(raw) - 1
    circled = re.fullmatch(r"[\u2460-\u2473]", message.strip())
    if circled and ord(message.strip()) - 0x2460 < len(labels):
        return ord(message.strip()) - 0x2460
    m = core(message)
    if not m:
        return None
    cores = [core(label) for label in labels]
    exact = [i for i, c in enumerate(cores) if c == m]
    if len(exact) == 1:
        return exact[0]
    if len(m) >= 2:
        inside = [i for i, c in enumerate(cores)
                  if c and ((m in c and (partial or 2 * len(m) >= len(c))) or (len(c) >= 2 and c in m))]
        if len(inside) == 1:
            return inside[0]
    grams = set(bigrams(m))
    if len(grams) < 2:
        return None
    scores = []
    for c in cores:
        g = set(bigrams(c))
        scores.append(len(grams & g) / max(1, len(grams | g)))
    best = max(range(len(scores)), key=lambda i: scores[i])
    second = max((s for i, s in enumerate(scores) if i != best), default=0.0)
    if scores[best] >= 0.5 and scores[best] - second >= 0.2:
        return best
    return None


YES = ("はい", "うん", "yes", "解決した", "解決しました", "できました", "できた", "ok", "大丈夫")
NO = ("いいえ", "いや", "no", "解決しない", "解決しません", "解決しませんでした", "だめ", "ダメ", "できない",
      "できません", "違う", "ちがう")


def yes_no(message: str) -> bool | None:
    m = core(message)
    if not m:
        return None
    if m in {core(w) for w in NO}:
        return False
    if m in {core(w) for w in YES}:
        return True
    return None
