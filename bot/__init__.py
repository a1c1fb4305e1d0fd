"""Migration awareness chatbot: answers migrants' questions from a curated, sourced FAQ."""

__version__ = "0.1.0"

import os

# One thread for numpy's BLAS, set before numpy loads: the matcher's products are small, and
# several BLAS threads spinning on a two-core server cost far more CPU per question than they
# save (an operator may still set these variables). See README, "Speed and memory".
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
# The same for the semantic signal's tokenizer: a thread pool to split a one-line question.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
