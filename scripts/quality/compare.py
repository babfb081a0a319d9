#!/usr/bin/env python3
"""Compare the domain crate's analytics with the reference implementations on the same texts.

Hot topics vs YAKE: recall of the planted topics in the top 10 phrases.
Summary and representative messages vs sumy's LexRankSummarizer: ROUGE-1 (recall, F1) against
the key sentences of the window's topics (the gists the generator built the posts from).
Speed: sumy's LexRank on growing windows, extrapolated (it is O(N^2) in Python) to 10,000
posts, against ours measured on the 10,000-post window.

Usage: scripts/quality/compare.py   (creates a venv in /var/tmp, pip-installs sumy and yake)
"""
import json, math, os, re, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = "/var/tmp/switchboard-quality-venv"

if sys.prefix != VENV:
    if not os.path.exists(f"{VENV}/bin/python"):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([f"{VENV}/bin/pip", "install", "-q", "sumy", "yake", "numpy"])
    os.execv(f"{VENV}/bin/python", [f"{VENV}/bin/python"] + sys.argv)

import yake  # noqa: E402
from sumy.nlp.stemmers import Stemmer  # noqa: E402
from sumy.parsers.plaintext import PlaintextParser  # noqa: E402
from sumy.summarizers.lex_rank import LexRankSummarizer  # noqa: E402
from sumy.utils import get_stop_words  # noqa: E402


class LineTokenizer:
    """sumy's Tokenizer needs NLTK's punkt data (not reachable here): one sentence per line."""

    language = "english"

    def to_sentences(self, paragraph):
        return [line.strip() for line in paragraph.split("\n") if line.strip()]

    def to_words(self, sentence):
        return re.findall(r"\w+(?:'\w+)?", sentence)


SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n")


def dump(seed, days, per_day, window_posts, planted, count):
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", "/var/tmp/switchboard-target")
    out = subprocess.check_output(
        ["cargo", "run", "-q", "--release", "-p", "switchboard-domain", "--example", "analytics_dump",
         "--", *map(str, [seed, days, per_day, window_posts, planted, count])], cwd=ROOT, env=env)
    return json.loads(out)


def sumy_lexrank(units, count):
    # One paragraph per unit: sumy joins a paragraph's lines before splitting sentences.
    parser = PlaintextParser.from_string("\n\n".join(u.replace("\n", " ") for u in units), LineTokenizer())
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return [str(s) for s in summarizer(parser.document, count)]


def tokens(text):
    return re.findall(r"\w+", text.lower())


def rouge1(candidate, reference):
    from collections import Counter
    c, r = Counter(tokens(" ".join(candidate))), Counter(tokens(" ".join(reference)))
    overlap = sum((c & r).values())
    recall = overlap / max(1, sum(r.values()))
    precision = overlap / max(1, sum(c.values()))
    f1 = 0.0 if overlap == 0 else 2 * recall * precision / (recall + precision)
    return recall, f1


def topic_recall(phrases, planted):
    phrases = [p.lower() for p in phrases]
    return sum(any(t in p for p in phrases) for t in planted) / len(planted)


def main():
    rows = []
    for seed in (1, 2, 3, 4, 5):
        d = dump(seed, 30, 200, 600, 3, 5)
        window = [m["text"] for m in d["window"]]
        planted = [t["phrase"] for t in d["planted"]]
        reference = [t["key_sentence"] for t in d["planted"] + d["standing"]]
        kw = yake.KeywordExtractor(lan="en", n=3, top=10)
        yake_phrases = [k for k, _ in kw.extract_keywords("\n".join(window))]
        sentences = [s for m in window for s in SENTENCE_END.split(m) if s.strip()]
        rows.append({
            "seed": seed,
            "topics_ours": topic_recall(d["hot_topics"], planted),
            "topics_yake": topic_recall(yake_phrases, planted),
            "summary_ours": rouge1(d["summary"], reference),
            "summary_sumy": rouge1(sumy_lexrank(sentences, 5), reference),
            "repr_ours": rouge1(d["representative_messages"], reference),
            "repr_sumy": rouge1(sumy_lexrank(window, 5), reference),
            "yake": yake_phrases, "ours": d["hot_topics"],
        })
    mean = lambda key, i=None: sum((r[key] if i is None else r[key][i]) for r in rows) / len(rows)
    print("Quality over 5 generated channels (30 days x 200 posts, window of 600 posts, 3 planted topics)")
    print(f"  hot topics, recall of planted topics in top 10:  ours {mean('topics_ours'):.2f}   YAKE {mean('topics_yake'):.2f}")
    print(f"  summary (5 sentences), ROUGE-1 recall / F1:      ours {mean('summary_ours', 0):.3f} / {mean('summary_ours', 1):.3f}   sumy LexRank {mean('summary_sumy', 0):.3f} / {mean('summary_sumy', 1):.3f}")
    print(f"  representative (5 posts), ROUGE-1 recall / F1:   ours {mean('repr_ours', 0):.3f} / {mean('repr_ours', 1):.3f}   sumy LexRank {mean('repr_sumy', 0):.3f} / {mean('repr_sumy', 1):.3f}")
    print(f"  example (seed 1): ours {rows[0]['ours']}")
    print(f"                    YAKE {rows[0]['yake']}")

    big = dump(7, 30, 1000, 10000, 3, 5)
    ours_ms = big["timings_ms"]
    window = [m["text"] for m in big["window"]]
    sizes, secs = [250, 500, 1000], []
    for n in sizes:
        start = time.perf_counter()
        sumy_lexrank(window[:n], 5)
        secs.append(time.perf_counter() - start)
    # Fit t = a * n^2 on the largest size (the all-pairs loop dominates).
    per_pair = secs[-1] / sizes[-1] ** 2
    sumy_10k = per_pair * 10000 ** 2
    print("Speed, representative messages over the 10,000-post window")
    for n, s in zip(sizes, secs):
        print(f"  sumy LexRank, {n} posts: {s:.2f} s")
    print(f"  sumy LexRank, 10,000 posts (extrapolated as n^2 from {sizes[-1]}): {sumy_10k:.0f} s")
    print(f"  ours (one run of analytics_dump; see the criterion bench for the figure): "
          f"representative {ours_ms['representative_messages']:.1f} ms, summary {ours_ms['summary']:.1f} ms")
    print(f"  speed-up: {sumy_10k * 1000 / ours_ms['representative_messages']:.0f}x")


if __name__ == "__main__":
    main()
