#!/usr/bin/env python3
"""Compare the domain crate's analytics with the reference implementations on the same texts.

Hot topics vs YAKE: recall of the planted topics in the top 10 phrases.
Summary and representative messages vs sumy's LexRankSummarizer: ROUGE-1 (recall, F1) against
the key sentences of the window's topics (the gists the generator built the posts from).
Speed: the exact 10,000-post window of the criterion bench, written to a file by the
`lexrank_window` example (which also times ours on it); sumy's LexRank timed on that file,
either on growing prefixes and extrapolated as N^2 (its all-pairs Python loop; labelled
extrapolated), or with --full-sumy in one real run over all 10,000 posts (about ten minutes).

Usage: scripts/quality/compare.py [--speed-only] [--full-sumy]
       (creates a venv in /var/tmp, pip-installs sumy and yake; SUMY_FULL=1 = --full-sumy)
"""
import hashlib, json, math, os, re, subprocess, sys, time

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


WINDOW_FILE = "/var/tmp/switchboard-window-10k.json"


def speed(full):
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", "/var/tmp/switchboard-target")
    ours = json.loads(subprocess.check_output(
        ["cargo", "run", "-q", "--release", "-p", "switchboard-domain", "--example", "lexrank_window",
         "--", WINDOW_FILE, "11"], cwd=ROOT, env=env))
    with open(WINDOW_FILE, "rb") as f:
        raw = f.read()
    window = [m["text"] for m in json.loads(raw)["messages"]]
    n = len(window)
    print(f"Speed over one window of {n:,} posts: {WINDOW_FILE} "
          f"(sha256 {hashlib.sha256(raw).hexdigest()[:16]}), written by the lexrank_window example")
    if full:
        start, cpu = time.perf_counter(), time.process_time()
        sumy_lexrank(window, 5)
        sumy_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
        # CPU time too: on a busy machine the wall time also counts the waits for a core.
        print(f"  sumy LexRank, all {n:,} posts, one run (measured): {sumy_s:.1f} s "
              f"({cpu_s:.1f} s of CPU, one core; load average {os.getloadavg()[0]:.1f})")
    else:
        sizes, secs = [500, 1000, 2000], []
        for size in sizes:
            start = time.perf_counter()
            sumy_lexrank(window[:size], 5)
            secs.append(time.perf_counter() - start)
            print(f"  sumy LexRank, first {size:,} posts (measured): {secs[-1]:.2f} s")
        exponent = math.log(secs[-1] / secs[-2]) / math.log(sizes[-1] / sizes[-2])
        # Its all-pairs loop dominates: t = a * n^2, fitted on the largest size.
        sumy_s = secs[-1] * (n / sizes[-1]) ** 2
        print(f"  sumy LexRank, all {n:,} posts: EXTRAPOLATED as n^2 from {sizes[-1]:,}: {sumy_s:.0f} s "
              f"(growth between the last two sizes: n^{exponent:.2f}; --full-sumy measures it)")
    ms = ours["median_ms"]
    print(f"  ours (median of {ours['runs']} runs, {ours['cores']} cores, release): "
          f"representative messages {ms['representative_messages']:.1f} ms, summary {ms['summary']:.1f} ms "
          f"(target <= 100 ms)")
    label = "measured" if full else "extrapolated"
    print(f"  speed-up vs sumy ({label}): representative {sumy_s * 1e3 / ms['representative_messages']:,.0f}x, "
          f"summary {sumy_s * 1e3 / ms['summary']:,.0f}x (target >= 100x)")


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--speed-only" not in args:
        main()
    speed("--full-sumy" in args or os.environ.get("SUMY_FULL") == "1")
