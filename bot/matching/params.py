"""Every number that shapes a match, in one place: what it does and how it was chosen.

To see what a change does, edit a value here and run
`python -m bot ask "your question"` (every fusion step is printed per candidate), then
`python -m bot eval ../shared/eval/dev.yaml` and `python benchmarks/calibrate.py [--semantic]`.

How the values were chosen:
- `Thresholds` (both sets) by `benchmarks/calibrate.py`: our own phrasings, each held out in
  turn, against out-of-scope questions from public datasets (CLINC150, xSID, StackFAQ) and our
  own set; a grid search maximizing right answers (plus a quarter of the suggested ones)
  with at most 2 % false answers, 3 % wrong answers and at least 80 % of out-of-scope
  questions declined. Never tuned on the evaluation questions in ../shared/eval.
- `Weights` by hand, one at a time, on the same held-out phrasings and out-of-scope questions
  (`python benchmarks/calibrate.py --weights name=value ...` prints the effect of a change);
  the public-benchmark script (`benchmarks/external.py`) only checks that the lexical core
  still beats the published baselines.
- The analysis and language constants by hand, against the hard cases in tests/test_matching.py.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---- the question -------------------------------------------------------------------------

# The FAQ match reads at most this many characters of the sentences that ask (the safety scan
# reads the whole message). It bounds the work one message can cause.
MAX_QUERY_CHARS = 500
# At least this many candidates are scored in full, so that `decide` can compare the best
# entry with the best one of another topic.
MIN_CANDIDATES = 4

# ---- text analysis (see `analysis`) ---------------------------------------------------------

# Words are cut to this many letters to join inflected forms (Islanti / Islantiin,
# Исландия / Исландии). Synonym terms of at least this length also match by stem.
STEM_LENGTH = 6
# Typo correction: words shorter than this are never corrected (too many real words are one
# edit apart); up to this length one edit is allowed, beyond it two.
TYPO_MIN_LENGTH = 4
TYPO_TWO_EDITS_FROM = 12
# Words among this many most frequent of any language the bot reads (wordfreq's lists) are
# real words and never corrected.
COMMON_WORDS_PER_LANGUAGE = 10000
# A question that asks about something besides names (places, IOM), in words no phrasing
# uses, is answered only by an entry that says one of them somewhere; a word counts as said
# when the entry has a word with the same first SHARED_PREFIX letters.
SHARED_PREFIX = 4
# Character n-grams inside word boundaries, from CHAR_MIN to CHAR_MAX letters.
CHAR_MIN = 3
CHAR_MAX = 5


@dataclass(frozen=True)
class Weights:
    """How the signals of `fusion.fuse` combine; the formula is in its docstring.

    Each weight is 0-1 unless said otherwise; 0 turns its step off.
    """

    # Step 1, one phrasing: character n-gram cosine, word cosine and coverage (share of the
    # question's word weight the phrasing contains). They add up to 1.
    char: float = 0.45
    word: float = 0.25
    coverage: float = 0.30
    # Step 2, one entry in one language: the best phrasing pulled this far towards the mean of
    # all its phrasings (agreement rewards an entry many phrasings support).
    agreement: float = 0.3
    # Step 3: blend with the similarity to all the entry's phrasings taken together (the
    # "centroid": half word cosine, half character cosine).
    centroid: float = 0.5
    # Step 4: blend with the optional semantic signal (best embedding cosine), when on.
    semantic: float = 0.3
    # Step 5: the answer text's words also say what an entry is about ("Geneva", "Homa
    # Hasan"): averaged in with this weight (1 = as much as everything before).
    answer: float = 1.0
    # Step 6: phrasings in another language than the question's lose up to this share of
    # their score, scaled by the language detector's confidence.
    other_language: float = 0.5
    # Step 8: a phrasing matched at least this closely (its step-1 score) is taken as the
    # question itself and moves the entry's score towards 1.
    exact: float = 0.8
    # Word features: function words count this share of their IDF; synonym concepts never
    # count less than a word found in this share of all phrasings (0.005 = 0.5 %), since
    # maintainers declared them meaningful.
    stopword: float = 0.25
    concept_df: float = 0.005


@dataclass(frozen=True)
class Thresholds:
    """When the best candidate is answered, suggested or declined (see `decide`), on the raw
    0-1 score that `fuse` produces."""

    # Answer from this score on...
    answer: float = 0.23
    # ...when the best entry leads the best entry of another topic by this much, and any
    # other entry by `entry_margin` (the grid search tries 0-0.03 and keeps 0).
    margin: float = 0.03
    entry_margin: float = 0.0
    # Suggest from this score on; below it the bot says it does not know.
    suggest: float = 0.12
    # Suggestions are the candidates within this distance of the best one, at most this many
    # (the same number of buttons the dialog offers under an answer).
    spread: float = 0.06
    max_suggestions: int = 3

    def display_score(self, score: float) -> int:
        """The 0-100 score users and maintainers see: 50 is where the bot starts to answer.

        Raw scores are small (a convex mix of cosines); this piecewise-linear map keeps their
        order and puts the answer threshold in the middle. It is not a probability.
        """
        if score <= self.answer:
            value = 50.0 * score / self.answer if self.answer > 0 else 0.0
        else:
            value = 50.0 + 50.0 * (score - self.answer) / (1.0 - self.answer)
        return max(0, min(100, round(value)))


# Without the semantic signal (BOT_SEMANTIC=off, or wordllama not installed).
LEXICAL_THRESHOLDS = Thresholds()
# With it the scores shift, so the thresholds differ: `python benchmarks/calibrate.py --semantic`.
SEMANTIC_THRESHOLDS = Thresholds(answer=0.26, margin=0.02, suggest=0.18)

# ---- the safety scan (see `safety`) --------------------------------------------------------

# Other words allowed between two words of a crisis cue ("took passport" matches "they took
# my passport"). More finds more indirect wordings and more false alarms.
SAFETY_MAX_GAP = 2
# Cues of this many words or more, all of them content words, also match in another word
# order within the same window (word order is free in most of the bot's languages).
SAFETY_ANY_ORDER_FROM = 2
# Cue words at least this long also match a misspelling one edit away ("sucide").
SAFETY_TYPO_MIN_LENGTH = 5

# ---- small talk (see `smalltalk`) -----------------------------------------------------------

# Small talk is a whole short message: at most this many words...
SMALLTALK_MAX_WORDS = 8
# ...equal to a phrase of smalltalk.yaml, or at least this similar (rapidfuzz ratio, 0-100).
SMALLTALK_SIMILARITY = 88

# ---- languages the bot does not read (see `foreign`) --------------------------------------

# Fewer letters than this and a text is too short to tell ("ok", "112", a name).
FOREIGN_MIN_LETTERS = 10
# ...or fewer words than this, in a script we read: short texts are too easily mistaken.
FOREIGN_MIN_WORDS = 4
# A text whose words are at least this share common words of our languages (or words of the
# knowledge base) is ours, whatever the detector says.
FOREIGN_OURS_SHARE = 0.5

# ---- language identification (see `langid`) -------------------------------------------------

# Additive smoothing of the naive Bayes model.
LANGID_ALPHA = 0.1
# A text with fewer letters than this from another script than the user's language is
# usually a name ("IOM?", "Twitter"), not a switch of language...
SHORT_TEXT_LETTERS = 15
# ...unless the model is at least this confident.
SHORT_TEXT_CONFIDENCE = 0.95
# The user's own language wins unless another leads it by this much (log-likelihood per
# feature × √features): short texts need a bigger lead.
PRIOR_LEAD = 1.5
